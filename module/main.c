// SPDX-License-Identifier: GPL-2.0
/*
 * The misc device /dev/wspbind and its two ioctls, WSPBIND_IOC_BIND and
 * WSPBIND_IOC_ENROL: the kernel glue around bind.c and enrol.c.
 */
#include <linux/cred.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/uaccess.h>
#include <linux/uidgid.h>
#include <linux/wspbind.h>

#include "internal.h"

#define WSPBIND_BIND_SIZE_VER0	32
#define WSPBIND_BIND_FLAGS	(WSPBIND_BIND_WINSOCK_AF | \
				 WSPBIND_BIND_REUSEADDR | \
				 WSPBIND_BIND_EXCLUSIVEADDRUSE)
/* out_wsa_error, out_port and __reserved: what the kernel writes back */
#define WSPBIND_BIND_ANSWER_SIZE	8

module_param_named(allow_no_new_privs, wspbind_allow_no_new_privs, bool,
		   0644);
MODULE_PARM_DESC(allow_no_new_privs,
		 "Serve callers running with no_new_privs or a seccomp filter (default: no)");

static unsigned int wspbind_group;
module_param_named(group, wspbind_group, uint, 0444);
MODULE_PARM_DESC(group,
		 "Group allowed to open /dev/wspbind besides root (default: none)");

static long wspbind_ioctl_bind(struct wspbind_bind __user *ureq)
{
	struct wspbind_bind req;
	u32 usize;
	u16 port = 0;
	int ret;

	BUILD_BUG_ON(sizeof(req) != WSPBIND_BIND_SIZE_VER0);
	BUILD_BUG_ON(offsetofend(struct wspbind_bind, __reserved) !=
		     sizeof(req));
	BUILD_BUG_ON(sizeof(req) - offsetof(struct wspbind_bind,
					    out_wsa_error) !=
		     WSPBIND_BIND_ANSWER_SIZE);

	if (get_user(usize, &ureq->size))
		return -EFAULT;
	if (usize < WSPBIND_BIND_SIZE_VER0)
		return -EINVAL;
	ret = copy_struct_from_user(&req, sizeof(req), ureq, usize);
	if (ret)
		return ret;
	if (req.flags & ~WSPBIND_BIND_FLAGS || req.__reserved)
		return -EINVAL;
	/*
	 * The answer is the struct's last 8 bytes, written whole (@__reserved
	 * is known to be 0). One that could not be written back must not
	 * bind anything.
	 */
	req.out_wsa_error = 0;
	req.out_port = 0;
	if (copy_to_user(&ureq->out_wsa_error, &req.out_wsa_error,
			 WSPBIND_BIND_ANSWER_SIZE))
		return -EFAULT;

	req.out_wsa_error = wspbind_do_bind(&req, &port);
	req.out_port = port;

	if (copy_to_user(&ureq->out_wsa_error, &req.out_wsa_error,
			 WSPBIND_BIND_ANSWER_SIZE))
		return -EFAULT;
	return 0;
}

#define WSPBIND_ENROL_SIZE_VER0	16
#define WSPBIND_ENROL_FLAGS	(WSPBIND_BIND_REUSEADDR | \
				 WSPBIND_BIND_EXCLUSIVEADDRUSE)

static long wspbind_ioctl_enrol(struct wspbind_enrol __user *ureq)
{
	struct wspbind_enrol req;
	u32 usize;
	int ret;

	BUILD_BUG_ON(sizeof(req) != WSPBIND_ENROL_SIZE_VER0);

	if (get_user(usize, &ureq->size))
		return -EFAULT;
	if (usize < WSPBIND_ENROL_SIZE_VER0)
		return -EINVAL;
	ret = copy_struct_from_user(&req, sizeof(req), ureq, usize);
	if (ret)
		return ret;
	if (req.flags & ~WSPBIND_ENROL_FLAGS)
		return -EINVAL;
	/* One that could not be written back must not enrol anything. */
	req.out_wsa_error = 0;
	if (put_user(req.out_wsa_error, &ureq->out_wsa_error))
		return -EFAULT;
	req.out_wsa_error = wspbind_do_enrol(&req);
	if (put_user(req.out_wsa_error, &ureq->out_wsa_error))
		return -EFAULT;
	return 0;
}

static long wspbind_ioctl(struct file *file, unsigned int cmd,
			  unsigned long arg)
{
	switch (cmd) {
	case WSPBIND_IOC_BIND:
		return wspbind_ioctl_bind((struct wspbind_bind __user *)arg);
	case WSPBIND_IOC_ENROL:
		return wspbind_ioctl_enrol((struct wspbind_enrol __user *)arg);
	default:
		return -ENOTTY;
	}
}

/*
 * devtmpfs gives a misc device's node no group, so when the administrator
 * names one the node is made 0666 and the group is enforced here instead.
 */
static int wspbind_open(struct inode *inode, struct file *file)
{
	if (!wspbind_group || capable(CAP_DAC_OVERRIDE))
		return 0;
	if (in_group_p(make_kgid(&init_user_ns, wspbind_group)))
		return 0;
	return -EACCES;
}

static const struct file_operations wspbind_fops = {
	.owner = THIS_MODULE,
	.open = wspbind_open,
	.unlocked_ioctl = wspbind_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = noop_llseek,
};

static struct miscdevice wspbind_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = WSPBIND_DEVICE_NAME,
	.fops = &wspbind_fops,
	.mode = 0660,
};

static int __init wspbind_init(void)
{
	int ret;

	ret = wspbind_netns_init();
	if (ret)
		return ret;
	ret = wspbind_counters_init();
	if (ret)
		goto out_netns_exit;
	ret = wspbind_registry_init();
	if (ret)
		goto out_counters_exit;
	ret = wspbind_enrol_init();
	if (ret)
		goto out_registry_exit;

	if (wspbind_group)
		wspbind_misc.mode = 0666;
	ret = misc_register(&wspbind_misc);
	if (ret)
		goto out_registry_exit;
	return 0;

out_registry_exit:
	wspbind_registry_exit();
out_counters_exit:
	wspbind_counters_exit();
out_netns_exit:
	wspbind_netns_exit();
	return ret;
}

static void __exit wspbind_exit(void)
{
	misc_deregister(&wspbind_misc);
	wspbind_registry_exit();
	wspbind_counters_exit();
	wspbind_netns_exit();
}

module_init(wspbind_init);
module_exit(wspbind_exit);

MODULE_DESCRIPTION("Winsock bind semantics (LPWSPBind) for Linux sockets");
MODULE_LICENSE("GPL");

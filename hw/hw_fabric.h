/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The software fabric: a directory holding the fabric region (name server,
 * zoning, fault injection) and one device region plus one wake-up socket per
 * port. The name server is changed only under an exclusive flock on the
 * fabric file (slow path); fault records are read lock-free by firmware.
 */
#ifndef HW_FABRIC_H
#define HW_FABRIC_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "hw_dev.h"

#define HW_FABRIC_MAGIC	   0x4349524241465346ull /* "FSFABRIC" */
#define HW_FABRIC_VERSION  1u
#define HW_MAX_FAULTS	   16
#define HW_DEFAULT_SHM_DIR "/dev/shm/fcnvme"
#define HW_PATH_MAX	   256
/* Modes of what the fabric creates, whatever the umask: the owner only.
 * Every participant maps every other port's region read-write (DMA memory
 * included), so a fabric is shared by one user (or root) and nobody else. */
#define HW_DIR_MODE	   0700
#define HW_FILE_MODE	   0600

/* Name-server entry state. */
enum {
	HW_NS_FREE = 0,
	HW_NS_OFFLINE,
	HW_NS_ONLINE,
	HW_NS_LINKDOWN
};

struct hw_ns_entry {
	uint64_t wwnn, wwpn;
	_Atomic uint32_t state; /* HW_NS_* */
	uint32_t port_id;	/* N_Port_ID assigned at FLOGI */
	uint32_t roles;		/* FC-4 features of type 0x28 */
	uint32_t zone;		/* 0 = default zone, sees everyone */
	_Atomic uint32_t gen;	/* bumped at every FLOGI */
	int32_t pid;
};

/* Fault kinds. */
enum {
	HW_FAULT_NONE = 0,
	HW_FAULT_DROP_CMD,  /* drop CMD IUs with opcode (0x100|fctype) */
	HW_FAULT_DROP,	    /* drop frames of a class */
	HW_FAULT_DELAY,	    /* delay frames of a class by delay_ms */
	HW_FAULT_FAIL_DATA, /* fail data transfers with -EIO */
	HW_FAULT_ABTS,	    /* abort exchanges right after their CMD */
};

/* Frame classes. */
enum {
	HW_FC_ANY = 0,
	HW_FC_LS,
	HW_FC_CMD,
	HW_FC_DATA,
	HW_FC_RSP,
	HW_FC_ABTS,
	HW_FC_ELS,
	HW_FC_NR
};

struct hw_fault {
	_Atomic uint32_t kind;	   /* HW_FAULT_*; NONE = free slot */
	uint32_t fclass;	   /* HW_FC_* */
	uint64_t wwpn;		   /* sender or receiver; 0 = any port */
	uint32_t opcode;	   /* DROP_CMD: opcode, or 0x100|fctype */
	uint32_t skip;		   /* let this many matches pass first */
	_Atomic int32_t remaining; /* fire this many times */
	_Atomic uint32_t seen;	   /* matches so far */
	uint32_t delay_ms;
	uint32_t rsvd;
	uint64_t expires_ms; /* CLOCK_REALTIME ms; 0 = count only */
};

struct hw_fabric_region {
	uint64_t magic;
	uint32_t version;
	_Atomic uint32_t nfaults; /* active fault records */
	struct hw_ns_entry ns[HW_MAX_PORTS];
	struct hw_fault faults[HW_MAX_FAULTS];
};

/* A fabric as one process sees it. */
struct hw_fabric {
	char dir[HW_PATH_MAX];
	int fd; /* the fabric file; flock */
	struct hw_fabric_region *r;
};

/* Resolve the fabric directory of "soft:NAME" under shm_dir (NULL: env
 * FCNVME_SHM_DIR, else the default). */
int hw_fabric_path(const char *shm_dir, const char *name, char *out, size_t outlen);
/* Create the fabric directory and region; -EEXIST if present. The shm dir
 * and the fabric directory, created (HW_DIR_MODE) or found, must be owned by
 * our euid or root and writable by nobody else (the shm dir may be a sticky
 * directory such as /dev/shm): -EPERM, and hw_fabric_why() says which path
 * and why. */
int hw_fabric_create(const char *dir);
/* Why this thread's last fabric call refused a path: "PATH REASON", or ""
 * (cleared by hw_fabric_create, hw_fabric_open and hw_dev_open). */
const char *hw_fabric_why(void);
void hw_fabric_why_clear(void);
/* -ENOENT, and hw_fabric_why() says "fabric NAME does not exist (create it
 * with softhbactl fabric create NAME)": a port never creates its fabric. */
int hw_fabric_missing(const char *name);
/* Return rc, and hw_fabric_why() says "PATH REASON" (a device or path the
 * caller refuses, and why). */
int hw_fabric_refuse(int rc, const char *path, const char *reason);
/* Create path, which must not exist (O_EXCL, never through a symlink), with
 * mode exactly; returns the fd or -errno. */
int hw_fabric_create_file(const char *path, mode_t mode);
/* Open an existing fabric or port file read-write: never through a symlink
 * (-EPERM), a regular file owned by our euid or root that nobody else may
 * write (-EPERM). Returns the fd or -errno. */
int hw_fabric_open_file(const char *path);
/* Remove a fabric: -EBUSY if a live port still uses it. */
int hw_fabric_destroy(const char *dir);
/* Map an existing fabric (the checks of hw_fabric_create apply to the
 * directories and to the fabric file). */
int hw_fabric_open(const char *dir, struct hw_fabric *fab);
void hw_fabric_close(struct hw_fabric *fab);
void hw_fabric_lock(struct hw_fabric *fab);
void hw_fabric_unlock(struct hw_fabric *fab);
/* Device file and socket paths of a port. */
void hw_fabric_port_path(const struct hw_fabric *fab, uint64_t wwpn, char *out, size_t len);
void hw_fabric_sock_path(const struct hw_fabric *fab, uint64_t wwpn, char *out, size_t len);
/* True if the port in slot has a live owner (holds the flock on its device). */
bool hw_fabric_slot_alive(struct hw_fabric *fab, unsigned int slot);
/* Slot of wwpn (any state), or -ENOENT. */
int hw_fabric_find(struct hw_fabric *fab, uint64_t wwpn);
/* True if ports a and b may talk (zoning). */
bool hw_fabric_zoned(struct hw_fabric *fab, unsigned int a, unsigned int b);
/* Fabric login: claim (or reclaim) a slot for wwpn: its own slot if it has
 * one without a live owner (-EADDRINUSE with one), else a free slot, else
 * the slot of a port that logged out or died (its device file and socket
 * are removed); -ENOSPC only when all 64 ports are alive. Lock held by
 * caller. */
int hw_fabric_claim(struct hw_fabric *fab, uint64_t wwnn, uint64_t wwpn, uint32_t roles);
/* What a process uses of a peer's region: where it is mapped and a private
 * copy of the peer's BAR taken and checked when it was mapped (ring
 * geometry, sizes, offsets: everything inside the mapping). The peer — a
 * remote driver in a VM, say — may rewrite its BAR at any time; firmware
 * takes geometry from geo and only indices and states from the region.
 * Read-only once published; freed with its map. */
struct hw_peer_view {
	void *base;
	struct hw_bar geo;
};

/* A peer's device region mapped into this process. */
struct hw_peer_map {
	void *base;
	size_t len;
	int fd;	      /* -1 once mapped */
	uint32_t gen; /* ns gen it was mapped for */
	uint64_t wwpn;
	struct hw_peer_view *view;
};

/* True if a copy of a BAR describes a region of len bytes whose rings
 * (eq, and wq/cq of each hw queue), XRI table and DMA window all lie
 * inside it, with the entry sizes of hw_dev.h. */
bool hw_fabric_bar_ok(const struct hw_bar *geo, size_t len);
/* Map the device region of slot (BAR copied into m->view, then checked);
 * -ENOENT if none, -EPERM if the file is refused (hw_fabric_open_file),
 * -EPROTO if the BAR is not valid. The file's fd is closed once mapped
 * (m->fd is -1). */
int hw_fabric_map_slot(struct hw_fabric *fab, unsigned int slot, struct hw_peer_map *m);
void hw_fabric_unmap(struct hw_peer_map *m);
/* Post e into the EQ of a mapped port (geometry from its view) and wake its
 * control thread. */
int hw_eq_post(struct hw_fabric *fab, struct hw_peer_map *m, const struct hw_eqe *e);
/* Same, mapping slot for the call only (slow path, tools). */
int hw_fabric_post_eqe(struct hw_fabric *fab, unsigned int slot, const struct hw_eqe *e);
/* Send an RSCN to every online port zoned with slot except slot itself. */
void hw_fabric_rscn(struct hw_fabric *fab, unsigned int slot);
/* Fault check for a frame of class fc between two ports. Returns the kind
 * that fires (HW_FAULT_NONE if none) and, for DELAY, *delay_ms. */
int hw_fabric_fault(struct hw_fabric *fab, int fc, uint64_t src, uint64_t dst, uint32_t opcode,
		    uint32_t *delay_ms);
/* Add a fault record; returns its index or -ENOSPC. */
int hw_fabric_fault_add(struct hw_fabric *fab, const struct hw_fault *f);
void hw_fabric_fault_clear(struct hw_fabric *fab);
/* Milliseconds of CLOCK_REALTIME (comparable across processes). */
uint64_t hw_now_ms(void);

#endif /* HW_FABRIC_H */

/*
 * gfn_ring.pml: the dirty GFN ring protocol of patches 0007 (push), 0008
 * (KVM_RESET_DIRTY_PAGES, overflow recovery, stale entries) and 0013
 * (what the VMM does), for a small configuration, checked exhaustively.
 *
 * Steps are sequentially consistent: the memory ordering inside each step
 * is what the litmus tests in ../litmus check.  A step is atomic only where
 * that removes interleavings that commute with the others (see the
 * comments); every window that the code leaves open between two accesses
 * that matter stays open.
 *
 * Processes:
 *   vcpu       NVW guest writes, each after the entry check of
 *              kvm_gfn_ring_check_request() (no entry while the vCPU ring
 *              is at its soft limit or the per-VM ring wants a harvest),
 *              and NKW writes KVM makes for the vCPU with no such check
 *              (steal time...), which fill the reserve of the vCPU ring
 *              and then spill into the per-VM ring;
 *   device     NDW writes without a vCPU (an interrupt, a device ioctl):
 *              the per-VM ring, or its overflow bitmap when it is full;
 *   toggler    clears KVM_MEM_LOG_DIRTY_PAGES on the memslot and sets it
 *              again while entries are pending (kvm_commit_memory_region()
 *              -> kvm_gfn_ring_forget_memslot()), then copies the memslot,
 *              as a VMM must when a memslot starts logging;
 *   harvester  the VMM, api.rst steps 2 to 5: harvest every ring (acquire
 *              produce, read the entries, release fetch), call
 *              KVM_RESET_DIRTY_PAGES until it does not fail with EINTR,
 *              copy the harvested pages; once the others are done, again
 *              until no ring has new entries and no overflow is flagged.
 *
 * KVM_RESET_DIRTY_PAGES (kvm_gfn_ring_reset_all()) checks every fetch
 * index, re-arms what an interrupted call left pending, then each ring in
 * batches (copy kentries, release ring->reset, re-arm entry by entry:
 * clear the dirty bit, then write-protect; the sort does not matter
 * here), then recovers the overflow bitmap.  A signal stops it with EINTR
 * after any entry and after any recovered page (the kernel checks every
 * 64 groups or pages: this is a superset of its behaviours).
 *
 * A guest write to a write-protected page faults; the fault is modelled
 * as x86's lockless fast_page_fault(): the mapping becomes writable, then
 * the page is logged, concurrently with a re-arm.  (The slow path does both
 * under mmu_lock, which the re-arm holds: fewer behaviours.)  KVM's own
 * writes (kvm_write_guest()) store the data, then log the page.
 *
 * Properties:
 *   - no loss: every write is followed by a copy of its page by the VMM
 *     (ghost written[], cleared by a copy), checked after the final drain;
 *   - exactly once: within one epoch (between two successful resets) no
 *     page is harvested twice for the same logging session of the memslot
 *     (ghost session numbers; an entry of an older session is stale in
 *     KVM's copy but still visible to userspace, see ../README.md);
 *   - no spurious EINVAL: the harvester is correct, so the fetch check in
 *     kvm_gfn_ring_read_fetch() never fails;
 *   - no deadlock (Spin's invalid end states).
 *
 * Mutations, each must make Spin find a violation:
 *   -DDROP_OVF     kvm_gfn_ring_push_vm() does not set the overflow bit
 *   -DWP_FIRST     the re-arm write-protects before it clears the bit
 *   -DNOSTALE      kvm_gfn_ring_forget_memslot() does not mark entries stale
 *   -DOLD_ORDER    kvm_gfn_ring_push() publishes hdr->produce first
 *   -DSCAN_FIRST   kvm_gfn_ring_recover() scans before it clears the flag
 *   -DOLD_ORDER -DCLAMP  the historic bug whole: the old order with the
 *                  clamping of fetch that earlier versions had, which loses
 *                  a write instead of failing with EINVAL
 */

/*
 * Two configurations, each checked exhaustively (one with everything at
 * once does not fit in the time budget):
 *   CFG_OVF  the per-VM ring overflows and recovers: one guest write and
 *            one write KVM makes for the vCPU (a vCPU ring of one entry,
 *            so that it spills into the per-VM ring), three writes
 *            without a vCPU; batches of one entry; no memslot change;
 *   CFG_MEM  (the default) the memslot stops and starts logging while
 *            entries are pending: two guest writes into a vCPU ring of
 *            two entries (batches of two, so that EINTR leaves entries
 *            pending), one write without a vCPU.
 * Both: two pages, a per-VM ring of one entry, soft limits at the size
 * (the kernel keeps a reserve of 64 or more: a smaller one only adds
 * behaviours).
 */
#define NP	2	/* pages of the one memslot */
#ifdef CFG_OVF
#define NVW	1	/* guest writes of the vCPU */
#define NKW	1	/* writes KVM makes for the vCPU, no soft limit check */
#define NDW	3	/* writes without a vCPU */
#define VSIZE	1	/* entries of the vCPU ring */
#define VSOFT	1	/* and its soft limit */
#define NO_TOGGLE
#else
#define NVW	2
#define NKW	0
#define NDW	1
#define VSIZE	2
#define VSOFT	2
#endif
#define NWRITERS 3	/* vcpu, device, toggler */

#define MSIZE	1	/* the per-VM ring */
#define MSOFT	1
#define MAXS	2	/* largest ring */
#define VR	0	/* the vCPU ring */
#define MR	1	/* the per-VM ring */
#define IM	3	/* free-running indices modulo 4 (> MAXS) */

#define SIZE(r)		((r) == VR -> VSIZE : MSIZE)
#define SLOT(r, i)	((r) * MAXS + (((i) & IM) % SIZE(r)))
#define USED(r)		((kprod[r] - rst[r]) & IM)

/* An entry: page | session << 2.  STALE is what forget writes. */
#define ENTRY(p, s)	((p) + 4 * (s))
#define PAGE(e)		((e) % 4)
#define SESS(e)		((e) / 4)
#define STALE		255

#define EINTR	1

/*
 * Coverage probes: with -DPROBE_x, reaching the point fails, which shows
 * that the configuration reaches it (scripts/proofs.sh expects a failure).
 */
#define PROBE(x)	assert(!(x))
#ifndef PROBE_SPILL
#define PROBE_SPILL	0
#endif
#ifndef PROBE_OVERFLOW
#define PROBE_OVERFLOW	0
#endif
#ifndef PROBE_REFULL
#define PROBE_REFULL	0
#endif
#ifndef PROBE_PENDING
#define PROBE_PENDING	0
#endif
#ifndef PROBE_STALE
#define PROBE_STALE	0
#endif
#ifndef PROBE_STALE_BATCH
#define PROBE_STALE_BATCH 0
#endif

/* KVM and the mapping */
byte kprod[2];		/* ring->produce */
byte uprod[2];		/* hdr->produce, what userspace reads */
byte ufetch[2];		/* hdr->fetch, written by userspace */
byte rst[2];		/* ring->reset */
byte kfetch[2];		/* ring->fetch, the checked copy */
byte kent[2 * MAXS];	/* ring->kentries */
byte uent[2 * MAXS];	/* ring->entries, mmapped */
bool dbit[NP];		/* memslot dirty bitmap: the page is in a ring */
bool ovf[NP];		/* its second half: dirty but in no ring */
bool wp[NP];		/* write-protected: the next write faults */
bool flag;		/* kvm->gfn_ring_overflow and hdr->flags */
bool logging = true;	/* KVM_MEM_LOG_DIRTY_PAGES */
byte sess;		/* logging session of the memslot (ghost) */
byte in_srcu;		/* mark_page_dirty_in_slot() under kvm->srcu */
bool ring_lock;		/* kvm->gfn_ring_lock */
bool slots_lock;	/* kvm->slots_lock */
byte batch[MAXS];	/* kvm->gfn_ring_batch */
byte bpos;
byte bnr;

/* ghosts */
bool written[NP];	/* written since the VMM last copied it */
byte seen[NP];		/* sessions of its entries harvested this epoch */
bool harvested[NP];	/* harvested this epoch: copied after the reset */
byte writers_done;

/*
 * kvm_gfn_ring_push(), first step: the room check (the smp_load_acquire()
 * of ring->reset) and the stores of the entry in both arrays.
 */
#define PUSH_ENTRY(r, e, ok)					\
	if							\
	:: USED(r) >= SIZE(r) -> ok = false			\
	:: else ->						\
		ok = true;					\
		kent[SLOT(r, kprod[r])] = e;			\
		uent[SLOT(r, kprod[r])] = e			\
	fi

/*
 * Then the two produce indices, KVM's own first; AFTER is what the caller
 * does right after the second store (unlock, srcu_read_unlock()).
 */
#ifdef OLD_ORDER
#define PUBLISH(r, AFTER)					\
	uprod[r] = (kprod[r] + 1) & IM;				\
	atomic { kprod[r] = (kprod[r] + 1) & IM; AFTER }
#else
#define PUBLISH(r, AFTER)					\
	kprod[r] = (kprod[r] + 1) & IM;				\
	atomic { uprod[r] = kprod[r]; AFTER }
#endif

#ifdef DROP_OVF
#define SET_OVF(p)	skip
#else
#define SET_OVF(p)	ovf[p] = true
#endif

/*
 * kvm_gfn_ring_push_vm(): under kvm->gfn_ring_lock, push, or else set the
 * page's overflow bit, then the flag.
 */
#define PUSH_VM(p, e, ok, AFTER)				\
	atomic {						\
		!ring_lock -> ring_lock = true;			\
		PUSH_ENTRY(MR, e, ok)				\
	}							\
	if							\
	:: ok -> PUBLISH(MR, ring_lock = false; AFTER)		\
	:: else ->						\
		PROBE(PROBE_OVERFLOW);				\
		SET_OVF(p);					\
		atomic { flag = true; ring_lock = false; AFTER }	\
	fi

#define SRCU_EXIT	in_srcu--; lg = false; s = 0; old = false; ok = false

/*
 * kvm_gfn_ring_mark() from mark_page_dirty_in_slot(), which runs under
 * kvm->srcu.  FAULT makes the page writable first (fast_page_fault()).
 */
#define MARK(p, fromvcpu, FAULT)				\
	atomic {						\
		FAULT;						\
		in_srcu++;					\
		lg = logging;					\
		s = sess;					\
		if						\
		:: lg -> old = dbit[p]; dbit[p] = true		\
		:: else -> skip					\
		fi;						\
		if						\
		:: !lg || old -> SRCU_EXIT			\
		:: else -> skip					\
		fi						\
	}							\
	if							\
	:: lg && !old && fromvcpu ->				\
		atomic { PUSH_ENTRY(VR, ENTRY(p, s), ok) }	\
		if						\
		:: ok -> PUBLISH(VR, SRCU_EXIT)			\
		:: else ->					\
			PROBE(PROBE_SPILL);			\
			PUSH_VM(p, ENTRY(p, s), ok, SRCU_EXIT)	\
		fi						\
	:: lg && !old && !fromvcpu ->				\
		PUSH_VM(p, ENTRY(p, s), ok, SRCU_EXIT)		\
	:: else -> skip						\
	fi

proctype vcpu()
{
	byte n, k, p, s;
	bool lg, old, ok;

	do
	:: n < NVW ->
		/* kvm_gfn_ring_check_request(): KVM_EXIT_DIRTY_LOG_FULL */
		atomic {
			USED(VR) < VSOFT && USED(MR) < MSOFT && !flag ->
			select (p : 0 .. NP - 1)
		}
		/* the guest store, or a write fault and a retry */
		do
		:: atomic { !wp[p] -> written[p] = true; p = 0; n++ }; break
		:: MARK(p, true, wp[p] -> wp[p] = false)
		od
	:: k < NKW ->
		/* kvm_write_guest() for the vCPU: the data, then the log */
		atomic { select (p : 0 .. NP - 1); written[p] = true };
		MARK(p, true, skip);
		atomic { k++; p = 0 }
	:: n == NVW && k == NKW -> break
	od;
	writers_done++
}

proctype device()
{
	byte n, p, s;
	bool lg, old, ok;

	do
	:: n < NDW ->
		atomic { select (p : 0 .. NP - 1); written[p] = true };
		MARK(p, false, skip);
		atomic { n++; p = 0 }
	:: else -> break
	od;
	writers_done++
}

/* kvm_gfn_ring_forget() for one ring: the slot's entries become stale */
inline forget(r, i)
{
	i = rst[r];
	do
	:: i != kprod[r] ->
		if
		:: kent[SLOT(r, i)] != STALE && SESS(kent[SLOT(r, i)]) == sess ->
			PROBE(PROBE_STALE);
			kent[SLOT(r, i)] = STALE
		:: else -> skip
		fi;
		i = (i + 1) & IM
	:: else -> break
	od
}

proctype toggler()
{
	byte i;

	/* KVM_SET_USER_MEMORY_REGION without KVM_MEM_LOG_DIRTY_PAGES */
	atomic {
		!slots_lock -> slots_lock = true;
		logging = false		/* the new memslot is installed */
	}
	atomic {
		in_srcu == 0 ->		/* synchronize_srcu() */
#ifndef NOSTALE
		/* kvm_gfn_ring_forget_memslot() */
		forget(VR, i);
		forget(MR, i);
		i = bpos;
		do
		:: i < bnr ->
			PROBE(PROBE_STALE_BATCH);
			batch[i] = STALE;
			i++
		:: else -> break
		od;
#endif
		/* the dirty bitmap, both halves, is freed */
		i = 0;
		do
		:: i < NP ->
			dbit[i] = false;
			ovf[i] = false;
			i++
		:: else -> break
		od;
		i = 0;
		slots_lock = false
	}

	/*
	 * And with it again: a new bitmap, the pages write-protected.  The
	 * VMM then copies the whole memslot.  (One step: a write between the
	 * two is logged and copied later anyway.)
	 */
	atomic {
		!slots_lock ->
		logging = true;
		sess++;
		i = 0;
		do
		:: i < NP ->
			wp[i] = true;
			written[i] = false;
			i++
		:: else -> break
		od;
		i = 0
	}
	writers_done++
}

/*
 * The VMM, every ring in one step (a push to one ring commutes with the
 * harvest of the other): load produce (acquire), read the entries, store
 * fetch (release).
 */
inline harvest_ring(r, i, e)
{
	i = ufetch[r];
	do
	:: i != uprod[r] ->
		e = uent[SLOT(r, i)];
		/* exactly once per logging session in an epoch */
		assert(!(seen[PAGE(e)] & (1 << SESS(e))));
		seen[PAGE(e)] = seen[PAGE(e)] | (1 << SESS(e));
		harvested[PAGE(e)] = true;
		i = (i + 1) & IM
	:: else -> break
	od;
	ufetch[r] = i
}

/*
 * kvm_gfn_ring_read_fetch(): with a correct harvester, EINVAL is a bug.
 * -DCLAMP: what earlier versions did, clamp fetch to produce instead.
 */
inline read_fetch(r)
{
#ifdef CLAMP
	if
	:: ((ufetch[r] - rst[r]) & IM) > ((kprod[r] - rst[r]) & IM) ->
		kfetch[r] = kprod[r]
	:: else -> kfetch[r] = ufetch[r]
	fi
#else
	assert(((ufetch[r] - rst[r]) & IM) <= ((kprod[r] - rst[r]) & IM));
	kfetch[r] = ufetch[r]
#endif
}

/* kvm_gfn_ring_rearm() of the batch, kvm_dirty_bitmap_rearm() per entry */
inline rearm(ret, e, was)
{
	do
	:: ret == 0 && bpos < bnr ->
		e = batch[bpos];
		if
		:: e != STALE && logging ->
#ifdef WP_FIRST
			atomic {
				was = dbit[PAGE(e)];
				if
				:: was -> wp[PAGE(e)] = true
				:: else -> skip
				fi
			}
			dbit[PAGE(e)] = false
#else
			/* atomic_long_fetch_andnot(), then write-protect */
			atomic { was = dbit[PAGE(e)]; dbit[PAGE(e)] = false };
			if
			:: was -> wp[PAGE(e)] = true
			:: else -> skip
			fi
#endif
		:: else -> skip
		fi;
		atomic {
			bpos++;
			e = 0;
			was = false;
#ifndef NO_EINTR
			if
			:: skip
			:: ret = EINTR;		/* signal_pending() */
				PROBE(PROBE_PENDING && bpos < bnr)
			fi
#endif
		}
	:: else -> break
	od
}

/* kvm_gfn_ring_reset(): copy a batch, hand the slots back, re-arm */
inline reset_ring(r, ret, e, was, n, j)
{
	do
	:: ret == 0 && rst[r] != kfetch[r] ->
		atomic {
			n = (kfetch[r] - rst[r]) & IM;
			if
			:: n > MAXS -> n = MAXS
			:: else -> skip
			fi;
			j = 0;
			do
			:: j < n ->
				batch[j] = kent[SLOT(r, rst[r] + j)];
				j++
			:: else -> break
			od;
			bpos = 0;
			bnr = n;
			rst[r] = (rst[r] + n) & IM;	/* smp_store_release() */
			n = 0;
			j = 0
		}
		rearm(ret, e, was)
	:: else -> break
	od
}

inline set_overflow(v)
{
	atomic { !ring_lock -> flag = v }
}

/* kvm_gfn_ring_recover() */
inline recover(ret, p, was, ok, refull)
{
	if
	:: flag ->
#ifndef SCAN_FIRST
		/* "Clear the flag first" */
		set_overflow(false);
#endif
		refull = false;
		p = 0;
		do
		:: p < NP ->
			/* find_next_bit_le(), test_and_clear_bit_le() */
			atomic { was = ovf[p]; ovf[p] = false };
			if
			:: was ->
				PUSH_VM(p, ENTRY(p, sess), ok, skip);
				atomic {
#ifdef SCAN_FIRST
					refull = !ok;
#else
					/* "Sets the bit and the flag again if full" */
					refull = flag;
#endif
					ok = false;
					was = false
				}
				if
				:: refull -> PROBE(PROBE_REFULL); break
				:: else -> skip
				fi;
#ifndef NO_EINTR
				if
				:: skip
				:: set_overflow(true);	/* signal_pending() */
					ret = EINTR;
					break
				fi
#endif
			:: else -> skip
			fi;
			p++
		:: else -> break
		od;
#ifdef SCAN_FIRST
		if
		:: ret == 0 && !refull -> set_overflow(false)
		:: else -> skip
		fi;
#endif
		atomic { p = 0; refull = false; was = false }
	:: else -> skip
	fi
}

/*
 * KVM_RESET_DIRTY_PAGES, kvm_gfn_ring_reset_all(), after its first step
 * (mutex_lock(&kvm->slots_lock) and the fetch checks, see epoch()).
 */
inline reset_all(ret, e, was, n, j, ok)
{
	/* what an interrupted call left pending comes first */
	rearm(ret, e, was);
	reset_ring(VR, ret, e, was, n, j);
	reset_ring(MR, ret, e, was, n, j);
	if
	:: ret == 0 -> recover(ret, j, was, ok, n)
	:: else -> skip
	fi
}

/*
 * Free-running indices matter only by their differences: an empty ring
 * goes back to 0 while nobody pushes, so that Spin can merge states.
 */
inline normalize(r, i)
{
	if
	:: kprod[r] == rst[r] && uprod[r] == rst[r] && ufetch[r] == rst[r] ->
		kprod[r] = 0;
		uprod[r] = 0;
		ufetch[r] = 0;
		rst[r] = 0;
		kfetch[r] = 0;
		i = 0;
		do
		:: i < MAXS ->
			kent[r * MAXS + i] = 0;
			uent[r * MAXS + i] = 0;
			i++
		:: else -> break
		od
	:: else -> skip
	fi
}

/*
 * api.rst steps 2 (harvest), 3 (reset until no EINTR) and 5 (copy).  The
 * harvest is one step with the start of the ioctl: a push in between
 * would only raise the produce index that the fetch check reads.  So is
 * the copy with its end: a write in between is either logged again or
 * copied later, and the copy commutes with the rest.
 */
inline epoch(i, e, ret, was, n, j, ok)
{
	atomic {
		!slots_lock -> slots_lock = true;
		harvest_ring(VR, i, e);
		harvest_ring(MR, i, e);
		read_fetch(VR);
		read_fetch(MR);
		i = 0;
		e = 0;
		ret = 0
	}
	do
	:: reset_all(ret, e, was, n, j, ok);
		if
		:: ret == 0 -> break
		:: else ->
			/* EINTR: the VMM calls KVM_RESET_DIRTY_PAGES again */
			slots_lock = false;
			atomic {
				!slots_lock -> slots_lock = true;
				read_fetch(VR);
				read_fetch(MR);
				ret = 0
			}
		fi
	od;
	atomic {
		/* a consumed batch is dead: cleared so that states merge */
		bpos = 0;
		bnr = 0;
		j = 0;
		do
		:: j < MAXS ->
			batch[j] = 0;
			j++
		:: else -> break
		od;
		j = 0;
		slots_lock = false;
		/* copy the harvested pages */
		i = 0;
		do
		:: i < NP ->
			if
			:: harvested[i] -> written[i] = false
			:: else -> skip
			fi;
			harvested[i] = false;
			seen[i] = 0;
			i++
		:: else -> break
		od;
		if
		:: in_srcu == 0 && !ring_lock -> normalize(VR, i); normalize(MR, i)
		:: else -> skip
		fi;
		i = 0
	}
}

proctype harvester()
{
	byte i, e, ret, n, j;
	bool was, ok;

	/*
	 * Harvest when there is something to harvest, or a vCPU has exited
	 * with KVM_EXIT_DIRTY_LOG_FULL, until the end.
	 */
	do
	:: writers_done == NWRITERS -> break
	:: uprod[VR] != ufetch[VR] || uprod[MR] != ufetch[MR] || flag ||
	   USED(VR) >= VSOFT || USED(MR) >= MSOFT ->
		epoch(i, e, ret, was, n, j, ok)
	od;
	/* step 4: again while a ring has new entries or has overflowed */
	do
	:: epoch(i, e, ret, was, n, j, ok);
		if
		:: uprod[VR] == ufetch[VR] && uprod[MR] == ufetch[MR] && !flag -> break
		:: else -> skip
		fi
	od;
	/* no loss: every write was followed by a copy of its page */
	i = 0;
	do
	:: i < NP ->
		assert(!written[i]);
		i++
	:: else -> break
	od
}

init
{
	byte i;

	atomic {
		/* logging is on, every page write-protected and copied */
		i = 0;
		do
		:: i < NP ->
			wp[i] = true;
			i++
		:: else -> break
		od;
		run vcpu();
		run device();
#ifdef NO_TOGGLE
		writers_done++;
#else
		run toggler();
#endif
		run harvester()
	}
}

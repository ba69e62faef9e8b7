// SPDX-License-Identifier: Apache-2.0
/*
 * The guest's CQ interrupts. cq[q]'s producers (the targets' firmware, and
 * ours for WQE completions) notify the ring the usual way: if the consumer
 * armed it, they disarm it and bump its futex. The consumer is the guest,
 * which cannot wait on a host futex, so one thread per hw queue waits on it
 * instead and, for every change it sees, writes the guest's eventfd of
 * vector 1 + q: QEMU raises that MSI-X vector. Changes that come together
 * give one interrupt, as an armed ring promises nothing more.
 */
#include <errno.h>
#include <stdint.h>
#include <unistd.h>

#include "hw_vmport_priv.h"

static void *hw_vmport_irq_run(void *arg)
{
	struct hw_vmport_irq *iq = arg;
	struct hw_ring *cq = &iq->v->dev.bar->cq[iq->q];
	uint32_t seen = atomic_load(&cq->futex);
	uint64_t one = 1;

	while (!atomic_load(&iq->stop)) {
		uint32_t now = hw_ring_futex_wait(cq, seen, 0);

		if (atomic_load(&iq->stop))
			break;
		if (now == seen)
			continue;
		seen = now;
		if (write(iq->efd, &one, sizeof(one)) == sizeof(one))
			atomic_fetch_add_explicit(&iq->raised, 1, memory_order_relaxed);
	}
	return NULL;
}

/* Start one thread per hw queue for the connected guest. */
int hw_vmport_irq_start(struct hw_vmport *v)
{
	unsigned int q;
	int rc;

	for (q = 0; q < v->dev.geo->nr_hwq; q++) {
		struct hw_vmport_irq *iq = &v->irq[q];

		iq->v = v;
		iq->q = q;
		iq->efd = v->guest_efd[1 + q];
		atomic_store(&iq->stop, false);
		rc = pthread_create(&iq->th, NULL, hw_vmport_irq_run, iq);
		if (rc) {
			hw_vmport_irq_stop(v);
			return -rc;
		}
		iq->running = true;
	}
	return 0;
}

/* Stop the threads: flag, wake through the futex, join. */
void hw_vmport_irq_stop(struct hw_vmport *v)
{
	unsigned int q;

	for (q = 0; q < HW_MAX_HWQ; q++) {
		struct hw_vmport_irq *iq = &v->irq[q];

		if (!iq->running)
			continue;
		atomic_store(&iq->stop, true);
		hw_ring_futex_wake(&v->dev.bar->cq[q]);
		pthread_join(iq->th, NULL);
		iq->running = false;
		v->st.irqs += atomic_exchange(&iq->raised, 0);
	}
}

/* Operating-system scheduler simulation after Martin Richards' benchmark:
 * six tasks pass work and device packets through a priority-ordered task
 * list. The same program as scheduler.ts and
 * examples/bcpl/programs/scheduler.b; all three print the same two lines.
 *
 *   cc -O2 -o /tmp/scheduler bench/bcpl/scheduler.c && /tmp/scheduler 1000000
 */
#include <stdint.h>
#include <stdio.h>

#include "timing.h"
#include <stdlib.h>

enum { I_IDLE = 1, I_WORK, I_HANDLER_A, I_HANDLER_B, I_DEV_A, I_DEV_B };
enum { K_DEV = 1000, K_WORK = 1001 };
enum { BUFSIZE = 3 }; /* a2 holds BUFSIZE + 1 words */

/* A task's state is three bits; it may run only when neither waiting nor
 * held (RUN, RUNPKT) or when waiting and a packet has arrived (WAITPKT). */
enum { PKTBIT = 1, WAITBIT = 2, HOLDBIT = 4 };
enum { S_RUN = 0, S_RUNPKT = 1, S_WAIT = 2, S_WAITPKT = 3 };

typedef struct Packet {
  struct Packet *link;
  long id, kind, a1;
  long a2[BUFSIZE + 1];
} Packet;

typedef struct Tcb Tcb;
struct Tcb {
  Tcb *link;
  long id, pri;
  Packet *wkq;
  long state;
  Tcb *(*fn)(Packet *);
  intptr_t v1, v2; /* a packet queue or a number, depending on the task */
};

static Tcb *tcbtab[I_DEV_B + 1];
static Tcb *tcblist, *tcb; /* every task; the running one */
static long taskid;
static intptr_t v1, v2; /* the running task's words, saved in its TCB */
static long qpktcount, holdcount;

static Packet *pkt(Packet *link, long id, long kind) {
  Packet *p = calloc(1, sizeof *p);
  p->link = link;
  p->id = id;
  p->kind = kind;
  return p;
}

static void createtcb(long id, long pri, Packet *wkq, long state,
                      Tcb *(*fn)(Packet *), intptr_t a, intptr_t b) {
  Tcb *t = malloc(sizeof *t);
  t->link = tcblist; /* created lowest priority first, so the list is sorted */
  t->id = id;
  t->pri = pri;
  t->wkq = wkq;
  t->state = state;
  t->fn = fn;
  t->v1 = a;
  t->v2 = b;
  tcblist = t;
  tcbtab[id] = t;
}

/* Appends p to the queue q and returns the queue's new head. */
static Packet *append(Packet *p, Packet *q) {
  Packet *last = q;
  p->link = 0;
  if (q == 0) return p;
  while (last->link) last = last->link;
  last->link = p;
  return q;
}

static Tcb *wait_(void) {
  tcb->state |= WAITBIT;
  return tcb;
}

static Tcb *holdself(void) {
  holdcount++;
  tcb->state |= HOLDBIT;
  return tcb->link;
}

/* Frees task id; switch to it at once if it outranks the running task. */
static Tcb *release(long id) {
  Tcb *t = tcbtab[id];
  t->state &= ~HOLDBIT;
  return t->pri > tcb->pri ? t : tcb;
}

/* Sends p to task p->id; the packet then carries the sender's id so the
 * receiver can send it back. */
static Tcb *qpkt(Packet *p) {
  Tcb *t = tcbtab[p->id];
  qpktcount++;
  p->link = 0;
  p->id = taskid;
  if (t->wkq == 0) {
    t->wkq = p;
    t->state |= PKTBIT;
    if (t->pri > tcb->pri) return t;
  } else {
    t->wkq = append(p, t->wkq);
  }
  return tcb;
}

/* v1: the pseudo-random seed; v2: iterations left. */
static Tcb *idlefn(Packet *p) {
  (void)p;
  if (--v2 == 0) return holdself();
  if ((v1 & 1) == 0) {
    v1 = v1 >> 1;
    return release(I_DEV_A);
  }
  v1 = (v1 >> 1) ^ 0xD008;
  return release(I_DEV_B);
}

/* v1: the handler to send to next; v2: the last letter code written. */
static Tcb *workfn(Packet *p) {
  if (p == 0) return wait_();
  v1 = I_HANDLER_A + I_HANDLER_B - v1; /* alternate between the handlers */
  p->id = v1;
  p->a1 = 0;
  for (int i = 0; i <= BUFSIZE; i++) {
    if (++v2 > 26) v2 = 1;
    p->a2[i] = v2;
  }
  return qpkt(p);
}

/* v1: queued work packets; v2: queued device packets. Each word of a work
 * packet goes to the device in a device packet; a finished work packet
 * goes back to the worker. */
static Tcb *handlerfn(Packet *p) {
  if (p) {
    if (p->kind == K_WORK)
      v1 = (intptr_t)append(p, (Packet *)v1);
    else
      v2 = (intptr_t)append(p, (Packet *)v2);
  }
  if (v1) {
    Packet *work = (Packet *)v1;
    long count = work->a1;
    if (count > BUFSIZE) {
      v1 = (intptr_t)work->link;
      return qpkt(work);
    }
    if (v2) {
      Packet *dev = (Packet *)v2;
      v2 = (intptr_t)dev->link;
      dev->a1 = work->a2[count];
      work->a1 = count + 1;
      return qpkt(dev);
    }
  }
  return wait_();
}

/* v1: the packet being "transmitted". The device holds itself until the
 * idle task releases it, then returns the packet. */
static Tcb *devfn(Packet *p) {
  if (p == 0) {
    if (v1 == 0) return wait_();
    p = (Packet *)v1;
    v1 = 0;
    return qpkt(p);
  }
  v1 = (intptr_t)p;
  return holdself();
}

static void schedule(void) {
  while (tcb) {
    Packet *p = 0;
    switch (tcb->state) {
    case S_WAITPKT:
      p = tcb->wkq;
      tcb->wkq = p->link;
      tcb->state = tcb->wkq == 0 ? S_RUN : S_RUNPKT;
      /* fall through - run the task with its packet */
    case S_RUN:
    case S_RUNPKT: {
      Tcb *next;
      taskid = tcb->id;
      v1 = tcb->v1;
      v2 = tcb->v2;
      next = tcb->fn(p);
      tcb->v1 = v1;
      tcb->v2 = v2;
      tcb = next;
      break;
    }
    default: /* waiting without a packet, or held */
      tcb = tcb->link;
    }
  }
}

int main(int argc, char **argv) {
  long long start = timing_now();
  long count = argc > 1 ? atol(argv[1]) : 1000000;
  Packet *wkq;

  createtcb(I_IDLE, 0, 0, S_RUN, idlefn, 1, count);

  wkq = pkt(pkt(0, 0, K_WORK), 0, K_WORK);
  createtcb(I_WORK, 1000, wkq, S_WAITPKT, workfn, I_HANDLER_A, 0);

  wkq = pkt(pkt(pkt(0, I_DEV_A, K_DEV), I_DEV_A, K_DEV), I_DEV_A, K_DEV);
  createtcb(I_HANDLER_A, 2000, wkq, S_WAITPKT, handlerfn, 0, 0);

  wkq = pkt(pkt(pkt(0, I_DEV_B, K_DEV), I_DEV_B, K_DEV), I_DEV_B, K_DEV);
  createtcb(I_HANDLER_B, 3000, wkq, S_WAITPKT, handlerfn, 0, 0);

  createtcb(I_DEV_A, 4000, 0, S_WAIT, devfn, 0, 0);
  createtcb(I_DEV_B, 5000, 0, S_WAIT, devfn, 0, 0);

  tcb = tcblist;
  schedule();

  printf("Scheduler benchmark: %ld iterations\n", count);
  printf("qpkt count = %ld  holdcount = %ld\n", qpktcount, holdcount);
  timing_report(start);
  return 0;
}

/**
 * Operating-system scheduler simulation after Martin Richards' benchmark:
 * six tasks pass work and device packets through a priority-ordered task
 * list. The same program as scheduler.c and
 * examples/bcpl/programs/scheduler.b; run as a script it prints the same
 * two lines.
 *
 * ```sh
 * deno run bench/bcpl/scheduler.ts 1000000
 * ```
 *
 * @module
 */

const I_IDLE = 1;
const I_WORK = 2;
const I_HANDLER_A = 3;
const I_HANDLER_B = 4;
const I_DEV_A = 5;
const I_DEV_B = 6;
const K_DEV = 1000;
const K_WORK = 1001;
const BUFSIZE = 3; // a2 holds BUFSIZE + 1 words

// A task's state is three bits; it may run only when neither waiting nor
// held (RUN, RUNPKT) or when waiting and a packet has arrived (WAITPKT).
const PKTBIT = 1;
const WAITBIT = 2;
const HOLDBIT = 4;
const S_RUN = 0;
const S_RUNPKT = 1;
const S_WAIT = 2;
const S_WAITPKT = 3;

class Packet {
  a1 = 0;
  readonly a2 = new Int32Array(BUFSIZE + 1);
  constructor(
    public link: Packet | null,
    public id: number,
    readonly kind: number,
  ) {}
}

/** A task's two saved words: a number or a packet queue, by task. */
type Word = number | Packet | null;
type TaskFn = (pkt: Packet | null) => Tcb | null;

class Tcb {
  constructor(
    readonly link: Tcb | null,
    readonly id: number,
    readonly pri: number,
    public wkq: Packet | null,
    public state: number,
    readonly fn: TaskFn,
    public v1: Word,
    public v2: Word,
  ) {}
}

let tcbtab: Tcb[] = [];
let tcb: Tcb | null = null; // the running task
let taskid = 0;
let v1: Word = 0; // the running task's words, saved in its Tcb
let v2: Word = 0;
let qpktcount = 0;
let holdcount = 0;

/** Appends pkt to the queue q and returns the queue's new head. */
function append(pkt: Packet, q: Packet | null): Packet {
  pkt.link = null;
  if (q === null) return pkt;
  let last = q;
  while (last.link !== null) last = last.link;
  last.link = pkt;
  return q;
}

function wait(): Tcb {
  const t = tcb!;
  t.state |= WAITBIT;
  return t;
}

function holdself(): Tcb | null {
  holdcount++;
  tcb!.state |= HOLDBIT;
  return tcb!.link;
}

/** Frees task id; switch to it at once if it outranks the running task. */
function release(id: number): Tcb {
  const t = tcbtab[id];
  t.state &= ~HOLDBIT;
  return t.pri > tcb!.pri ? t : tcb!;
}

/**
 * Sends pkt to task pkt.id; the packet then carries the sender's id so the
 * receiver can send it back.
 */
function qpkt(pkt: Packet): Tcb {
  const t = tcbtab[pkt.id];
  qpktcount++;
  pkt.link = null;
  pkt.id = taskid;
  if (t.wkq === null) {
    t.wkq = pkt;
    t.state |= PKTBIT;
    if (t.pri > tcb!.pri) return t;
  } else {
    t.wkq = append(pkt, t.wkq);
  }
  return tcb!;
}

/** v1: the pseudo-random seed; v2: iterations left. */
function idlefn(_pkt: Packet | null): Tcb | null {
  v2 = (v2 as number) - 1;
  if (v2 === 0) return holdself();
  const seed = v1 as number;
  if ((seed & 1) === 0) {
    v1 = seed >> 1;
    return release(I_DEV_A);
  }
  v1 = (seed >> 1) ^ 0xD008;
  return release(I_DEV_B);
}

/** v1: the handler to send to next; v2: the last letter code written. */
function workfn(pkt: Packet | null): Tcb {
  if (pkt === null) return wait();
  v1 = I_HANDLER_A + I_HANDLER_B - (v1 as number); // alternate handlers
  pkt.id = v1;
  pkt.a1 = 0;
  let letter = v2 as number;
  for (let i = 0; i <= BUFSIZE; i++) {
    if (++letter > 26) letter = 1;
    pkt.a2[i] = letter;
  }
  v2 = letter;
  return qpkt(pkt);
}

/**
 * v1: queued work packets; v2: queued device packets. Each word of a work
 * packet goes to the device in a device packet; a finished work packet
 * goes back to the worker.
 */
function handlerfn(pkt: Packet | null): Tcb {
  if (pkt !== null) {
    if (pkt.kind === K_WORK) v1 = append(pkt, v1 as Packet | null);
    else v2 = append(pkt, v2 as Packet | null);
  }
  const work = v1 as Packet | null;
  if (work !== null) {
    const count = work.a1;
    if (count > BUFSIZE) {
      v1 = work.link;
      return qpkt(work);
    }
    const dev = v2 as Packet | null;
    if (dev !== null) {
      v2 = dev.link;
      dev.a1 = work.a2[count];
      work.a1 = count + 1;
      return qpkt(dev);
    }
  }
  return wait();
}

/**
 * v1: the packet being "transmitted". The device holds itself until the
 * idle task releases it, then returns the packet.
 */
function devfn(pkt: Packet | null): Tcb | null {
  if (pkt === null) {
    const held = v1 as Packet | null;
    if (held === null) return wait();
    v1 = null;
    return qpkt(held);
  }
  v1 = pkt;
  return holdself();
}

function schedule(): void {
  while (tcb !== null) {
    const t: Tcb = tcb;
    let pkt: Packet | null = null;
    switch (t.state) {
      case S_WAITPKT:
        pkt = t.wkq!;
        t.wkq = pkt.link;
        t.state = t.wkq === null ? S_RUN : S_RUNPKT;
        // falls through: run the task with its packet
      case S_RUN:
      case S_RUNPKT: {
        taskid = t.id;
        v1 = t.v1;
        v2 = t.v2;
        const next = t.fn(pkt);
        t.v1 = v1;
        t.v2 = v2;
        tcb = next;
        break;
      }
      default: // waiting without a packet, or held
        tcb = t.link;
    }
  }
}

/**
 * Runs the simulation with the idle task counting down from count.
 *
 * @param count Iterations of the idle task (Richards' Count).
 * @returns How many packets were queued and how many times a task held
 * itself: 2326410 and 930563 for a count of 1000000.
 *
 * @example
 * ```ts
 * import { scheduler } from "./scheduler.ts";
 * const { queuePackets, holds } = scheduler(10000);
 * if (queuePackets !== 23246 || holds !== 9297) throw new Error("wrong");
 * ```
 */
export function scheduler(count: number): {
  queuePackets: number;
  holds: number;
} {
  qpktcount = 0;
  holdcount = 0;
  tcbtab = new Array<Tcb>(I_DEV_B + 1);
  let list: Tcb | null = null;
  // Created lowest priority first, so the list is sorted highest first.
  const create = (
    id: number,
    pri: number,
    wkq: Packet | null,
    state: number,
    fn: TaskFn,
    a: Word,
    b: Word,
  ): void => {
    list = new Tcb(list, id, pri, wkq, state, fn, a, b);
    tcbtab[id] = list;
  };

  create(I_IDLE, 0, null, S_RUN, idlefn, 1, count);

  let wkq = new Packet(new Packet(null, 0, K_WORK), 0, K_WORK);
  create(I_WORK, 1000, wkq, S_WAITPKT, workfn, I_HANDLER_A, 0);

  wkq = new Packet(null, I_DEV_A, K_DEV);
  wkq = new Packet(new Packet(wkq, I_DEV_A, K_DEV), I_DEV_A, K_DEV);
  create(I_HANDLER_A, 2000, wkq, S_WAITPKT, handlerfn, null, null);

  wkq = new Packet(null, I_DEV_B, K_DEV);
  wkq = new Packet(new Packet(wkq, I_DEV_B, K_DEV), I_DEV_B, K_DEV);
  create(I_HANDLER_B, 3000, wkq, S_WAITPKT, handlerfn, null, null);

  create(I_DEV_A, 4000, null, S_WAIT, devfn, null, 0);
  create(I_DEV_B, 5000, null, S_WAIT, devfn, null, 0);

  tcb = list;
  schedule();
  return { queuePackets: qpktcount, holds: holdcount };
}

if (import.meta.main) {
  const count = Deno.args.length > 0 ? Number(Deno.args[0]) : 1000000;
  const { queuePackets, holds } = scheduler(count);
  console.log(`Scheduler benchmark: ${count} iterations`);
  console.log(`qpkt count = ${queuePackets}  holdcount = ${holds}`);
}

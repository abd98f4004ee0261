// An operating-system scheduler simulation after Martin Richards'
// benchmark: six tasks pass work and device packets through a
// priority-ordered task list. bench/bcpl/scheduler.c and scheduler.ts are
// the same program and print the same two lines:
//
// Scheduler benchmark: 1000000 iterations
// qpkt count = 2326410  holdcount = 930563
//
// (With Count = 10000 the counts are 23246 and 9297.)

GET "libhdr"

MANIFEST {
  Count = 1000000

  // Task ids, lowest priority first
  I_idle = 1; I_work = 2; I_handlerA = 3; I_handlerB = 4
  I_devA = 5; I_devB = 6

  // Packet kinds
  K_dev = 1000; K_work = 1001

  // Packet fields; a2 is BufSize+1 words long
  pkt_link = 0; pkt_id = 1; pkt_kind = 2; pkt_a1 = 3; pkt_a2 = 4
  BufSize = 3
  pkt_upb = 7

  // Task control block fields
  tcb_link = 0; tcb_id = 1; tcb_pri = 2; tcb_wkq = 3
  tcb_state = 4; tcb_fn = 5; tcb_v1 = 6; tcb_v2 = 7
  tcb_upb = 7

  // A task's state is three bits. It may run when neither waiting nor
  // held (S_run, S_runpkt), or when waiting and a packet has arrived
  // (S_waitpkt); every other state passes it over.
  pktbit = 1; waitbit = 2; holdbit = 4
  S_run = 0; S_runpkt = 1; S_wait = 2; S_waitpkt = 3
}

GLOBAL {
  tcb:       ug      // the running task
  tcblist:   ug + 1  // every task, highest priority first
  tcbtab:    ug + 2  // the tasks by id
  taskid:    ug + 3  // the running task's id
  v1:        ug + 4  // the running task's two words, kept in its
  v2:        ug + 5  // control block while it is not running
  qpktcount: ug + 6
  holdcount: ug + 7
}

// A packet with a1 and a2 cleared.
LET pkt(link, id, kind) = VALOF
{ LET p = getvec(pkt_upb)
  FOR i = 0 TO pkt_upb DO p!i := 0
  p!pkt_link := link
  p!pkt_id := id
  p!pkt_kind := kind
  RESULTIS p
}

// Tasks are created lowest priority first, so pushing each one on the
// front keeps the list in priority order.
LET createtcb(id, pri, wkq, state, fn, a, b) BE
{ LET t = getvec(tcb_upb)
  t!tcb_link := tcblist
  t!tcb_id := id
  t!tcb_pri := pri
  t!tcb_wkq := wkq
  t!tcb_state := state
  t!tcb_fn := fn
  t!tcb_v1 := a
  t!tcb_v2 := b
  tcblist := t
  tcbtab!id := t
}

// Appends p to the queue q and returns the queue's new head.
LET append(p, q) = VALOF
{ LET last = q
  p!pkt_link := 0
  IF q = 0 RESULTIS p
  UNTIL last!pkt_link = 0 DO last := last!pkt_link
  last!pkt_link := p
  RESULTIS q
}

LET wait() = VALOF
{ tcb!tcb_state := tcb!tcb_state | waitbit
  RESULTIS tcb
}

LET holdself() = VALOF
{ holdcount := holdcount + 1
  tcb!tcb_state := tcb!tcb_state | holdbit
  RESULTIS tcb!tcb_link
}

// Frees task id; switch to it at once if it outranks the running task.
LET release(id) = VALOF
{ LET t = tcbtab!id
  t!tcb_state := t!tcb_state & ~holdbit
  TEST t!tcb_pri > tcb!tcb_pri THEN RESULTIS t ELSE RESULTIS tcb
}

// Sends p to task p!pkt_id. The packet then carries the sender's id, so
// that the receiver can send it back.
LET qpkt(p) = VALOF
{ LET t = tcbtab!(p!pkt_id)
  qpktcount := qpktcount + 1
  p!pkt_link := 0
  p!pkt_id := taskid
  TEST t!tcb_wkq = 0
  THEN { t!tcb_wkq := p
         t!tcb_state := t!tcb_state | pktbit
         IF t!tcb_pri > tcb!tcb_pri RESULTIS t
       }
  ELSE t!tcb_wkq := append(p, t!tcb_wkq)
  RESULTIS tcb
}

// v1: the pseudo-random seed; v2: the iterations left.
LET idlefn(p) = VALOF
{ v2 := v2 - 1
  IF v2 = 0 RESULTIS holdself()
  TEST (v1 & 1) = 0
  THEN { v1 := v1 >> 1
         RESULTIS release(I_devA)
       }
  ELSE { v1 := (v1 >> 1) XOR #xD008
         RESULTIS release(I_devB)
       }
}

// v1: the handler to send to next; v2: the last letter code written.
LET workfn(p) = VALOF
{ IF p = 0 RESULTIS wait()
  v1 := I_handlerA + I_handlerB - v1   // alternate between the handlers
  p!pkt_id := v1
  p!pkt_a1 := 0
  FOR i = 0 TO BufSize DO
  { v2 := v2 + 1
    IF v2 > 26 DO v2 := 1
    p!(pkt_a2 + i) := v2
  }
  RESULTIS qpkt(p)
}

// v1: the queued work packets; v2: the queued device packets. Each word
// of a work packet goes to the device in a device packet, and a finished
// work packet goes back to the worker.
LET handlerfn(p) = VALOF
{ UNLESS p = 0 DO
    TEST p!pkt_kind = K_work
    THEN v1 := append(p, v1)
    ELSE v2 := append(p, v2)
  UNLESS v1 = 0 DO
  { LET work = v1
    LET count = work!pkt_a1
    IF count > BufSize DO
    { v1 := work!pkt_link
      RESULTIS qpkt(work)
    }
    UNLESS v2 = 0 DO
    { LET dev = v2
      v2 := dev!pkt_link
      dev!pkt_a1 := work!(pkt_a2 + count)
      work!pkt_a1 := count + 1
      RESULTIS qpkt(dev)
    }
  }
  RESULTIS wait()
}

// v1: the packet being "transmitted". The device holds itself until the
// idle task releases it, then sends the packet back.
LET devfn(p) = VALOF
{ IF p = 0 DO
  { IF v1 = 0 RESULTIS wait()
    p := v1
    v1 := 0
    RESULTIS qpkt(p)
  }
  v1 := p
  RESULTIS holdself()
}

LET schedule() BE UNTIL tcb = 0 DO
{ LET p = 0
  SWITCHON tcb!tcb_state INTO
  { CASE S_waitpkt:
      p := tcb!tcb_wkq
      tcb!tcb_wkq := p!pkt_link
      tcb!tcb_state := tcb!tcb_wkq = 0 -> S_run, S_runpkt
      // and on into the next case, to run the task with its packet

    CASE S_run:
    CASE S_runpkt:
    { LET t = tcb
      taskid := t!tcb_id
      v1 := t!tcb_v1
      v2 := t!tcb_v2
      tcb := (t!tcb_fn)(p)
      t!tcb_v1 := v1
      t!tcb_v2 := v2
      ENDCASE
    }

    DEFAULT:   // waiting without a packet, or held
      tcb := tcb!tcb_link
  }
}

LET start() = VALOF
{ LET wkq = 0
  tcbtab := getvec(I_devB)
  tcblist := 0
  qpktcount := 0
  holdcount := 0

  createtcb(I_idle, 0, 0, S_run, idlefn, 1, Count)

  wkq := pkt(pkt(0, 0, K_work), 0, K_work)
  createtcb(I_work, 1000, wkq, S_waitpkt, workfn, I_handlerA, 0)

  wkq := pkt(pkt(pkt(0, I_devA, K_dev), I_devA, K_dev), I_devA, K_dev)
  createtcb(I_handlerA, 2000, wkq, S_waitpkt, handlerfn, 0, 0)

  wkq := pkt(pkt(pkt(0, I_devB, K_dev), I_devB, K_dev), I_devB, K_dev)
  createtcb(I_handlerB, 3000, wkq, S_waitpkt, handlerfn, 0, 0)

  createtcb(I_devA, 4000, 0, S_wait, devfn, 0, 0)
  createtcb(I_devB, 5000, 0, S_wait, devfn, 0, 0)

  tcb := tcblist
  schedule()

  writef("Scheduler benchmark: %n iterations*n", Count)
  writef("qpkt count = %n  holdcount = %n*n", qpktcount, holdcount)
  RESULTIS 0
}

/**
 * The static memory of a BCPL program, the same in native code and in the
 * interpreter: a block of 64-bit words holding a small header, the global
 * vector, the program's data (statics, tables, strings), the heap `getvec`
 * allocates from, native code's frame stack, then the code tables (the
 * function table, SWITCHON jump tables, the landing table). Native code
 * reaches it through a register; BCPL addresses are word addresses counted
 * from the block's start (the interpreter's stack follows the block). BCPL
 * code may reach the globals, the data, the heap and the frame stack, but
 * not the header or the code tables: every `!` and `%` is checked.
 *
 * @module
 */

/** Words before the global vector: the native runtime's header. */
export const HEADER_WORDS = 8;
/** Header words: what the entry stub and the host exchange. */
export const enum Header {
  StackLimit = 0,
  Callback = 1,
  SavedStack = 2,
  Result = 3,
  /** The frame stack's top (a word address) and its end. */
  FrameTop = 4,
  FrameEnd = 5,
}
/** Words in the global vector (global n is word HEADER_WORDS + n). */
export const GLOBAL_WORDS = 1000;
/** The first word of the program's data. */
export const DATA_BASE = HEADER_WORDS + GLOBAL_WORDS;
/** Words of heap for getvec. */
export const HEAP_WORDS = 1 << 20;
/**
 * Words of frame stack, after the heap: native code keeps the vectors and
 * the address-taken locals of its frames there, in BCPL's reach, so that
 * `!` and `%` never touch the machine stack (its return addresses).
 */
export const FRAME_STACK_WORDS = 1 << 17;

/**
 * A function's value is this plus its number: a call through a value
 * looks the number up in the function table (and a value that is no
 * function stops the program, never jumps to a wrong address).
 */
export const FUNCTION_TAG = 0x7f00_0000n;

/** Globals the loader sets before `start()` (libhdr names them). */
export const enum LoaderGlobal {
  GlobalSize = 0,
  HeapTop = 11,
  HeapEnd = 12,
  HeapFree = 13,
}

/**
 * A label's value (`longjump`'s second argument) is this plus its number
 * in the landing table, which follows the function table.
 */
export const LABEL_TAG = 0x7e00_0000n;

/** The word of static memory that holds global `number`. */
export function globalWord(number: number): number {
  return HEADER_WORDS + number;
}

/** Packs a string BCPL's way: the length byte, then the bytes, in words. */
export function packString(bytes: Uint8Array): bigint[] {
  const packed = new Uint8Array(Math.ceil((bytes.length + 1) / 8) * 8);
  packed[0] = bytes.length;
  packed.set(bytes, 1);
  return [...new BigInt64Array(packed.buffer)];
}

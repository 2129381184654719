/**
 * The interpreter's loop on Thumb-2 (docs/firmware.md, "The interpreter's figures"). GCC compiles each `goto *`
 * of the loop's dispatch to `orr rN, rN, #1` then `bx rN`: it sets the Thumb state bit (ARMv7-M ARM, BXWritePC)
 * whatever the address holds. The opcode cells hold their handlers' addresses with that bit set already
 * (firmware/engine/interp/exec.c, THUMB_STATE_BIT), so the build drops the `orr` from the loop's assembly: a
 * dispatch is an instruction shorter, and the loop some 1.5 KB smaller. The build also holds the loop under
 * 32 KiB, so that exec.c's table of handlers' offsets takes 16 bits an entry.
 */

export class ThumbDispatchError extends Error {}

/** exec.c's function of the loop, whose dispatches these are. */
const LOOP_FUNCTION = 'run';
const STATE_BIT_SET = /^\s+orr\s+(r\d+), \1, #1\s*$/;
const INDIRECT_JUMP = /^\s+bx\s+(r\d+)\s*$/;
/** A label code can branch to (GCC's `.L<n>` or a symbol), as opposed to the debug information's (`.LVL<n>`, `.LBB<n>`, ...). */
const LABEL = /^(\.L\d+|[A-Za-z_$][\w$]*):/;
/** A line that names a register (an instruction's operand), as opposed to an assembler directive or a comment. */
function namesRegister(line: string, register: string): boolean {
  const trimmed = line.trim();
  if (trimmed.startsWith('.') || trimmed.startsWith('@')) return false;
  return new RegExp(`\\b${register}\\b`).test(trimmed);
}

/**
 * The loop's assembly without the `orr` before each dispatch's `bx`. Checked: every such `orr` is followed, in
 * its block, by a `bx` of its register and nothing else naming that register; every `bx` of a register (but a
 * function pointer's sibling call, which GCC marks) is a dispatch that loses one. Anything else is refused, so
 * another GCC's loop fails the build instead of running.
 */
export function dropDispatchStateBit(assembly: string): string {
  const lines = assembly.split('\n');
  const loopStart = lines.indexOf(`${LOOP_FUNCTION}:`);
  const loopEnd = lines.findIndex((line) => new RegExp(`^\\s+\\.size\\s+${LOOP_FUNCTION}, \\.-${LOOP_FUNCTION}$`).test(line));
  if (loopStart < 0 || loopEnd < loopStart) throw new ThumbDispatchError(`no function ${LOOP_FUNCTION} in the loop's assembly`);
  const dropped = new Set<number>();
  lines.forEach((line, at) => {
    const match = at > loopStart && at < loopEnd ? STATE_BIT_SET.exec(line) : null;
    if (!match) return;
    const register = match[1] ?? '';
    let next = at + 1;
    while (next < lines.length && !INDIRECT_JUMP.test(lines[next] ?? '')) {
      const between = lines[next] ?? '';
      if (LABEL.test(between) || namesRegister(between, register)) {
        throw new ThumbDispatchError(`line ${at + 1}: an orr of ${register}, #1 that no bx of it follows in its block`);
      }
      next++;
    }
    if (INDIRECT_JUMP.exec(lines[next] ?? '')?.[1] !== register) {
      throw new ThumbDispatchError(`line ${at + 1}: an orr of ${register}, #1 whose block jumps through another register`);
    }
    dropped.add(at);
  });
  const jumps = lines.slice(loopStart, loopEnd).filter((line) => INDIRECT_JUMP.test(line)).length;
  if (dropped.size === 0 || dropped.size !== jumps) {
    throw new ThumbDispatchError(`${jumps} dispatches by bx, but ${dropped.size} of them set the state bit`);
  }
  return lines.filter((_, at) => !dropped.has(at)).join('\n');
}

/** The largest loop whose handlers' offsets from one of its labels fit exec.c's 16-bit table (handler_offset_t). */
const LOOP_MAX_BYTES = 32767;

/** Refuses a compiled loop (its object's `size -A` report) too large for 16-bit handler offsets. */
export function checkLoopFitsHandlerOffsets(sizeReport: string): void {
  const line = sizeReport.split('\n').find((row) => row.startsWith(`.text.${LOOP_FUNCTION} `));
  const loopBytes = Number(line?.trim().split(/\s+/)[1]);
  if (!Number.isInteger(loopBytes)) throw new ThumbDispatchError(`no section .text.${LOOP_FUNCTION} in the loop's object`);
  if (loopBytes > LOOP_MAX_BYTES) {
    throw new ThumbDispatchError(`the interpreter's loop is ${loopBytes} bytes, past the ${LOOP_MAX_BYTES} its 16-bit handler offsets reach`);
  }
}

/**
 * The interpreter's loop on Thumb-2 (docs/firmware.md, "The interpreter's figures"). GCC compiles each `goto *`
 * of the loop's dispatch to `orr rN, rN, #1` then `bx rN`: it sets the Thumb state bit (ARMv7-M ARM, BXWritePC)
 * whatever the address holds. The opcode cells hold their handlers' addresses with that bit set already
 * (firmware/engine/interp/exec.c, THUMB_STATE_BIT), so the build drops the `orr` from the loop's assembly, and
 * then loads the cell straight into the pc where GCC loaded it into a register for the `bx`: a dispatch that
 * was a load, an `orr`, an add to the code pointer and a `bx` is one `ldr pc, [rN], #4`. The build also holds
 * the loop under 32 KiB, so that exec.c's table of handlers' offsets takes 16 bits an entry.
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
 * The loop's assembly with its dispatches rewritten: without the `orr` before each dispatch's `bx`, the cell's
 * load moved into the jump, the code and stack pointers' steps folded into the accesses, and loads of adjacent
 * words paired (the passes below).
 * Checked: every such `orr` is followed, in its block, by a `bx` of its register and nothing else naming that
 * register; every `bx` of a register (but a function pointer's sibling call, which GCC marks) is a dispatch that
 * loses one. Anything else is refused, so another GCC's loop fails the build instead of running.
 */
export function rewriteLoopDispatches(assembly: string): string {
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
  const loads = loadDispatchesIntoPc(lines.filter((_, at) => !dropped.has(at)), loopStart);
  const copies = foldSteppedPointerCopies(foldPointerCopies(loads, loopStart), loopStart);
  const steps = foldBaseSteps(foldAccessSteps(sinkPointerSteps(copies, loopStart), loopStart), loopStart);
  return pairWordLoads(foldStepsIntoAccesses(steps, loopStart), loopStart).join('\n');
}

/** The last line before `before`, and after the loop's start, that names `register`; the loop's start if none. */
function lastNaming(lines: string[], before: number, loopStart: number, register: string): number {
  let at = before - 1;
  while (at > loopStart && !namesRegister(lines[at] ?? '', register)) at--;
  return at;
}

/** `ldr rX, [rB]`, `ldr rX, [rB, #k]` or `ldr rX, [rB], #k`: the cell a dispatch loads. */
const CELL_LOAD = /^\s+ldr\s+(r\d+), \[(r\d+)(?:, #(-?\d+))?\](?:, #(-?\d+))?\s*$/;
/** `adds rB, rB, #n`, `add rB, rB, #n` or `add.w rB, rB, #n`: the code pointer's step past a cell. */
const POINTER_STEP = /^\s+adds?(?:\.w)?\s+(r\d+), \1, #(\d+)\s*$/;
/**
 * What ends the search for a dispatch's load: a branch of any condition (and, erring safe, any other instruction
 * whose name starts with b), a load to the pc, an IT block, a register list (it may hide a range).
 */
const CONTROL = /^\s+(b\w*|cbn?z|it\w*|tb[bh]|pop|push|ldm\w*|stm\w*|ldr\s+pc)\b|\{/;
const FLAGS_READER = /^\s+(adc|sbc|rrx)/;
/** The offsets a `ldr pc` takes: -255 to 4095 before or at the base, -255 to 255 with a write-back. */
function fitsOffset(offset: number): boolean {
  return offset >= -255 && offset <= 4095;
}
function fitsWriteBack(offset: number): boolean {
  return offset >= -255 && offset <= 255;
}

/**
 * Where a dispatch loads its cell into a register and then jumps to it with `bx`, one `ldr pc` does both (a load
 * to the pc interworks on ARMv7-M, LoadWritePC): the load moves to the jump, which is sound when nothing between
 * them names the loaded register, and names the base only to step it by a constant (the cells do not change
 * while the loop runs). Where the base steps once past the cell loaded at it, the step goes into the load too.
 * A dispatch of another shape keeps its `ldr` and `bx`.
 */
function loadDispatchesIntoPc(lines: string[], loopStart: number): string[] {
  const dropped = new Set<number>();
  for (let jump = loopStart; jump < lines.length; jump++) {
    const target = INDIRECT_JUMP.exec(lines[jump] ?? '')?.[1];
    if (target === undefined) continue;
    const load = lastNaming(lines, jump, loopStart, target);
    const loadMatch = CELL_LOAD.exec(lines[load] ?? '');
    if (!loadMatch) continue;
    const base = loadMatch[2] ?? '';
    const offset = Number(loadMatch[3] ?? 0);
    const postStep = Number(loadMatch[4] ?? 0);
    if (loadMatch[3] !== undefined && loadMatch[4] !== undefined) continue;
    const steps: number[] = [];
    let stepBytes = postStep;
    let sound = true;
    for (let between = load + 1; between < jump && sound; between++) {
      const line = lines[between] ?? '';
      const step = POINTER_STEP.exec(line);
      if (step && step[1] === base) {
        steps.push(between);
        stepBytes += Number(step[2]);
      } else if (LABEL.test(line) || CONTROL.test(line) || namesRegister(line, base)) {
        sound = false;
      }
    }
    if (!sound) continue;
    /* Dropping an `adds` drops its flags: only where nothing after it reads them. */
    const stepsDroppable = lines.slice(steps[0] ?? jump, jump).every((line) => !FLAGS_READER.test(line));
    let replacement: string;
    if (stepBytes === 0) {
      replacement = `\tldr\tpc, [${base}, #${offset}]`;
    } else if (offset === 0 && fitsWriteBack(stepBytes) && stepsDroppable) {
      replacement = `\tldr\tpc, [${base}], #${stepBytes}`;
      steps.forEach((at) => dropped.add(at));
    } else if (offset === stepBytes && fitsWriteBack(stepBytes) && stepsDroppable) {
      replacement = `\tldr\tpc, [${base}, #${offset}]!`;
      steps.forEach((at) => dropped.add(at));
    } else if (postStep === 0 && fitsOffset(offset - stepBytes)) {
      replacement = `\tldr\tpc, [${base}, #${offset - stepBytes}]`;
    } else {
      continue;
    }
    dropped.add(load);
    lines[jump] = replacement;
  }
  return lines.filter((_, at) => !dropped.has(at));
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

const COPY = /^\s+mov\s+(r\d+), (r\d+)\s*$/;
const PC_LOAD = /^\s+ldr\s+pc, \[(r\d+), #(-?\d+)\]\s*$/;

/**
 * Where GCC copied the code pointer to load the next cell through the copy after stepping the pointer (`mov r2,
 * r4`, `ldr r3, [r4], #8`, ..., `ldr pc, [r2, #4]`), the dispatch loads through the pointer itself at the
 * offset less the steps (`ldr pc, [r4, #-4]`) and the copy goes: sound when, between them, the pointer is only
 * read as a base and stepped by constants, and the copy is not otherwise named.
 */
function foldPointerCopies(lines: string[], loopStart: number): string[] {
  const dropped = new Set<number>();
  for (let jump = loopStart; jump < lines.length; jump++) {
    const load = PC_LOAD.exec(lines[jump] ?? '');
    if (!load) continue;
    const copy = load[1] ?? '';
    const at = lastNaming(lines, jump, loopStart, copy);
    const copied = COPY.exec(lines[at] ?? '');
    if (!copied || copied[1] !== copy) continue;
    const pointer = copied[2] ?? '';
    let stepBytes = 0;
    let sound = true;
    for (let between = at + 1; between < jump && sound; between++) {
      const line = lines[between] ?? '';
      if (LABEL.test(line) || CONTROL.test(line)) {
        sound = false;
        continue;
      }
      if (!namesRegister(line, pointer)) continue;
      const step = POINTER_STEP.exec(line);
      if (step && step[1] === pointer) {
        stepBytes += Number(step[2]);
        continue;
      }
      /* The pointer as a load's or store's base: read at an offset, or stepped after the access. */
      let rest = line.replace(new RegExp(`\\[${pointer}\\], #(-?\\d+)`, 'g'), (_, bytes: string) => {
        stepBytes += Number(bytes);
        return '[]';
      });
      rest = rest.replace(new RegExp(`\\[${pointer}(, #-?\\d+)?\\](?!!)`, 'g'), '[]');
      if (namesRegister(rest, pointer)) sound = false;
    }
    const offset = Number(load[2]) - stepBytes;
    if (!sound || !fitsOffset(offset)) continue;
    dropped.add(at);
    lines[jump] = `\tldr\tpc, [${pointer}, #${offset}]`;
  }
  return lines.filter((_, at) => !dropped.has(at));
}

/**
 * Where the code pointer steps before other work and the dispatch then loads at it (`adds r4, r4, #4`, ...,
 * `ldr pc, [r4, #-4]`), the step goes into the load as its write-back (`ldr pc, [r4], #4`): sound when nothing
 * between names the pointer, branches or reads the flags the step set.
 */
function sinkPointerSteps(lines: string[], loopStart: number): string[] {
  const dropped = new Set<number>();
  for (let jump = loopStart; jump < lines.length; jump++) {
    const load = PC_LOAD.exec(lines[jump] ?? '');
    if (!load) continue;
    const pointer = load[1] ?? '';
    const at = lastNaming(lines, jump, loopStart, pointer);
    const step = POINTER_STEP.exec(lines[at] ?? '');
    if (!step || step[1] !== pointer) continue;
    const between = lines.slice(at + 1, jump);
    if (between.some((line) => LABEL.test(line) || CONTROL.test(line) || FLAGS_READER.test(line))) continue;
    const stepBytes = Number(step[2]);
    const offset = Number(load[2]);
    if (!fitsWriteBack(stepBytes)) continue;
    if (offset === -stepBytes) lines[jump] = `\tldr\tpc, [${pointer}], #${stepBytes}`;
    else if (offset === 0) lines[jump] = `\tldr\tpc, [${pointer}, #${stepBytes}]!`;
    else continue;
    dropped.add(at);
  }
  return lines.filter((_, at) => !dropped.has(at));
}

/** `ldr`/`str` (a word, no condition) of a register at a base with no offset: an access a step can follow into. */
const PLAIN_ACCESS = /^(\s+(?:ldr|str)\s+(r\d+), \[(r\d+)\])(\s*(?:@.*)?)$/;
/** A dispatch's load to the pc, with or without a write-back. */
const DISPATCH = /^\s+ldr\s+pc, \[r\d+(?:, #-?\d+\]!?|\], #\d+)\s*$/;

/**
 * Where a handler accesses a word at a register and then steps that register by a constant before its dispatch
 * (a push: `str r1, [r8]`, `add r8, r8, #4`, `ldr pc, ...`), the step goes into the access as its post-index
 * (`str r1, [r8], #4`): sound when nothing between names the register, and nothing from the step to the
 * dispatch branches or reads flags (the flags are dead across a dispatch).
 */
function foldAccessSteps(lines: string[], loopStart: number): string[] {
  const dropped = new Set<number>();
  for (let at = loopStart; at < lines.length; at++) {
    const access = PLAIN_ACCESS.exec(lines[at] ?? '');
    if (!access) continue;
    const [, instruction, value, base, comment] = access;
    if (value === base || base === undefined) continue;
    let step = at + 1;
    while (step < lines.length && !namesRegister(lines[step] ?? '', base)) {
      if (LABEL.test(lines[step] ?? '') || CONTROL.test(lines[step] ?? '')) break;
      step++;
    }
    const stepMatch = POINTER_STEP.exec(lines[step] ?? '');
    if (!stepMatch || stepMatch[1] !== base || !fitsWriteBack(Number(stepMatch[2]))) continue;
    let dispatch = step + 1;
    while (dispatch < lines.length && !DISPATCH.test(lines[dispatch] ?? '')) {
      const line = lines[dispatch] ?? '';
      if (LABEL.test(line) || CONTROL.test(line) || FLAGS_READER.test(line)) break;
      dispatch++;
    }
    if (!DISPATCH.test(lines[dispatch] ?? '')) continue;
    lines[at] = `${instruction}, #${stepMatch[2]}${comment ?? ''}`;
    dropped.add(step);
  }
  return lines.filter((_, at) => !dropped.has(at));
}

/** A word, halfword or byte access at a base register: at an offset, or post-indexed (`ldr r1, [r3], #12`). */
const BASE_ACCESS = /^(\s+(?:ldr|str)(?:b|h|sb|sh)?\s+(r\d+), )\[(r\d+)(?:, #(-?\d+))?\](?:, #(-?\d+))?(\s*(?:@.*)?)$/;
/** An IT block's start and the then-or-else letters of the instructions it makes conditional past the first. */
const IT_BLOCK = /^\s+it([te]{0,3})\s+\w+\s*$/;
/** `mov rC, rP` or `add rC, rP, #k`: a copy of a pointer, or the pointer past k bytes. */
const POINTER_COPY = /^\s+(?:mov\s+(r\d+), (r\d+)|adds?(?:\.w)?\s+(r\d+), (r\d+), #(\d+))\s*$/;

/**
 * Where GCC makes a second pointer from the code pointer (`mov r3, r4` or `add r2, r4, #8`), reads cells through
 * either, steps them, and dispatches through the second (`ldr r1, [r3], #12`, ..., `adds r4, r4, #16`, `ldr pc,
 * [r3, #0]`), every access goes through the code pointer at its address less one step, that step the
 * post-index of the access at the pointer itself, and the dispatch is `ldr pc, [r4], #4`: the copy and the
 * separate steps go. Sound when, from the copy to the dispatch, both registers are only accesses' bases and
 * constant steps (of the pointer), nothing branches or reads flags (an IT block may, where no step goes before
 * it and its instructions name neither register), and the pointer ends 4 bytes past the cell
 * the dispatch loads, as it does after the rewrite.
 */
function foldSteppedPointerCopies(lines: string[], loopStart: number): string[] {
  const dropped = new Set<number>();
  for (let jump = loopStart; jump < lines.length; jump++) {
    const load = PC_LOAD.exec(lines[jump] ?? '');
    if (!load) continue;
    const copy = load[1] ?? '';
    let at = jump - 1;
    let pointer = '';
    let copyOffset = 0;
    for (; at > loopStart; at--) {
      const line = lines[at] ?? '';
      if (LABEL.test(line) || (CONTROL.test(line) && !IT_BLOCK.test(line)) || FLAGS_READER.test(line)) break;
      const made = POINTER_COPY.exec(line);
      if (made && (made[1] ?? made[3]) === copy) {
        pointer = made[2] ?? made[4] ?? '';
        copyOffset = Number(made[5] ?? 0);
        break;
      }
    }
    if (pointer === '' || pointer === copy) continue;
    /* Each access's address and each step, as bytes past the pointer's value at the copy. */
    const accesses: { at: number; prefix: string; comment: string; address: number }[] = [];
    const steps: number[] = [];
    let pointerBytes = 0;
    let copyBytes = copyOffset;
    let sound = true;
    let conditional = 0;
    for (let between = at + 1; between < jump && sound; between++) {
      const line = lines[between] ?? '';
      const block = IT_BLOCK.exec(line);
      if (block) {
        /* The block's conditions read the flags: no step whose flags they might be goes. */
        conditional = 1 + (block[1] ?? '').length;
        sound = steps.length === 0 && !/^\s+adds\b/.test(lines[at] ?? '');
        continue;
      }
      const inBlock = conditional > 0;
      if (inBlock) conditional--;
      if (LABEL.test(line) || CONTROL.test(line) || FLAGS_READER.test(line)) {
        sound = false;
        continue;
      }
      if (!namesRegister(line, pointer) && !namesRegister(line, copy)) continue;
      if (inBlock) {
        sound = false;
        continue;
      }
      const step = POINTER_STEP.exec(line);
      if (step && step[1] === pointer) {
        pointerBytes += Number(step[2]);
        steps.push(between);
        continue;
      }
      const access = BASE_ACCESS.exec(line);
      const base = access?.[3];
      if (!access || (base !== pointer && base !== copy) || access[2] === pointer || access[2] === copy) {
        sound = false;
        continue;
      }
      if (access[4] !== undefined && access[5] !== undefined) {
        sound = false;
        continue;
      }
      const from = base === pointer ? pointerBytes : copyBytes;
      accesses.push({ at: between, prefix: access[1] ?? '', comment: access[6] ?? '', address: from + Number(access[4] ?? 0) });
      if (base === pointer) pointerBytes += Number(access[5] ?? 0);
      else copyBytes += Number(access[5] ?? 0);
    }
    const cellBytes = copyBytes + Number(load[2]);
    if (!sound || pointerBytes !== cellBytes + 4 || !fitsWriteBack(cellBytes)) continue;
    const stepping = cellBytes === 0 ? -1 : accesses.findIndex((access) => access.address === 0);
    if (cellBytes !== 0 && stepping < 0) continue;
    const rewritten = accesses.map((access, index) => {
      if (index === stepping) return `${access.prefix}[${pointer}], #${cellBytes}${access.comment}`;
      const offset = index > stepping && stepping >= 0 ? access.address - cellBytes : access.address;
      return fitsOffset(offset) ? `${access.prefix}[${pointer}, #${offset}]${access.comment}` : undefined;
    });
    if (rewritten.some((line) => line === undefined)) continue;
    accesses.forEach((access, index) => (lines[access.at] = rewritten[index] ?? ''));
    steps.forEach((step) => dropped.add(step));
    dropped.add(at);
    lines[jump] = `\tldr\tpc, [${pointer}], #4`;
  }
  return lines.filter((_, at) => !dropped.has(at));
}

/** A load or store of one register or a pair at a base and an offset, no write-back, no condition. */
const OFFSET_ACCESS = /^(\s+(?:ldr|str)(b|h|sb|sh|d)?\s+((?:r\d+|ip|lr), )+)\[(r\d+)(?:, #(-?\d+))?\](\s*(?:@.*)?)$/;
/** A VFP load or store at a base and an offset: its offset can change, but it has no write-back. */
const VFP_ACCESS = /^(\s+v(?:ldr|str)(?:\.\d+)?\s+[sd]\d+, )\[(r\d+)(?:, #(-?\d+))?\](\s*(?:@.*)?)$/;
/** `add` or `sub` of a register and a constant into itself. */
const BASE_STEP = /^\s+(add|sub)s?(?:\.w)?\s+(r\d+), \2, #(\d+)\s*$/;

/**
 * Where a handler reads and writes words at a register and then steps it by a constant before its dispatch (a
 * pop: `ldrd r3, r2, [r8, #-8]`, `add`, `str r3, [r8, #-8]`, `sub r8, r8, #4`), the step goes into the accesses
 * as write-backs (ARMv7-M ARM A7.7, the pre- and post-indexed forms), the offsets after it less what it stepped:
 * an access at the step's distance takes it as its pre-index (`[r8, #-4]!`), or one at the base as its
 * post-index (`[r8], #-4`), or the first access its offset as pre-index and a later one, then at the base, the
 * rest as post-index (`ldrd r3, r2, [r8, #-8]!`, `str r3, [r8], #4`). Sound when, from the first access to the
 * dispatch, the register is named only by such accesses (not as a loaded register) and the step, nothing
 * branches, and nothing after the step reads the flags. Where the register is the code pointer and the dispatch
 * loads the cell before the step's end (`adds r4, r4, #12`, `ldr pc, [r4, #-4]`), the accesses take all of the
 * step but 4 bytes and the dispatch those (`ldr pc, [r4], #4`).
 */
function foldBaseSteps(lines: string[], loopStart: number): string[] {
  const dropped = new Set<number>();
  for (let at = loopStart; at < lines.length; at++) {
    const step = BASE_STEP.exec(lines[at] ?? '');
    if (!step) continue;
    const base = step[2] ?? '';
    const stepBytes = (step[1] === 'sub' ? -1 : 1) * Number(step[3]);
    let dispatch = at + 1;
    while (dispatch < lines.length && !DISPATCH.test(lines[dispatch] ?? '')) {
      const line = lines[dispatch] ?? '';
      if (LABEL.test(line) || CONTROL.test(line) || FLAGS_READER.test(line) || namesRegister(line, base)) break;
      dispatch++;
    }
    if (!DISPATCH.test(lines[dispatch] ?? '')) continue;
    /* A dispatch at the cell before the stepped code pointer (`ldr pc, [r4, #-4]`) loads at the base moved 4 bytes less, then steps it the 4. */
    const throughBase = namesRegister(lines[dispatch] ?? '', base);
    const cellLoad = PC_LOAD.exec(lines[dispatch] ?? '');
    if (throughBase && (cellLoad?.[1] !== base || Number(cellLoad[2]) !== -4 || stepBytes === 4)) continue;
    const moveBytes = throughBase ? stepBytes - 4 : stepBytes;
    /* The accesses at the base since the block's start (or the last instruction that branches or names it otherwise). */
    const accesses: { at: number; offset: number; writeBack: boolean; pair: boolean }[] = [];
    for (let before = at - 1; before > loopStart; before--) {
      const line = lines[before] ?? '';
      if (LABEL.test(line) || CONTROL.test(line)) break;
      if (!namesRegister(line, base)) continue;
      const access = OFFSET_ACCESS.exec(line);
      const vfp = VFP_ACCESS.exec(line);
      if (access && access[4] === base && !namesRegister(access[1] ?? '', base)) {
        accesses.unshift({ at: before, offset: Number(access[5] ?? 0), writeBack: true, pair: access[2] === 'd' });
      } else if (vfp && vfp[2] === base) {
        accesses.unshift({ at: before, offset: Number(vfp[3] ?? 0), writeBack: false, pair: false });
      } else {
        break;
      }
    }
    /* Pre-index then post-index: which access moves the base first, to where, and which moves it the rest. */
    const fits = (access: { pair: boolean }, bytes: number) =>
      access.pair ? bytes % 4 === 0 && Math.abs(bytes) <= 1020 : fitsWriteBack(bytes);
    let plan: { first: number; firstBytes: number; second: number } | undefined;
    const preIndex = accesses.findIndex((access) => access.writeBack && access.offset === moveBytes && fits(access, moveBytes));
    const postIndex = accesses.findIndex((access) => access.writeBack && access.offset === 0 && fits(access, moveBytes));
    if (preIndex >= 0) plan = { first: preIndex, firstBytes: moveBytes, second: -1 };
    else if (postIndex >= 0) plan = { first: -1, firstBytes: 0, second: postIndex };
    else {
      const first = accesses.findIndex((access) => access.writeBack);
      const firstAccess = accesses[first];
      if (firstAccess && fits(firstAccess, firstAccess.offset)) {
        const second = accesses.findIndex(
          (access, index) => index > first && access.writeBack && access.offset === firstAccess.offset && fits(access, moveBytes - firstAccess.offset),
        );
        if (second >= 0) plan = { first, firstBytes: firstAccess.offset, second };
      }
    }
    if (!plan) continue;
    const { first, firstBytes, second } = plan;
    const rewritten = accesses.map((access, index) => {
      const line = lines[access.at] ?? '';
      const moved = index > second && second >= 0 ? moveBytes : index > first && first >= 0 ? firstBytes : 0;
      const offset = access.offset - moved;
      const match = OFFSET_ACCESS.exec(line) ?? VFP_ACCESS.exec(line);
      const prefix = match?.[1] ?? '';
      const comment = (access.writeBack ? match?.[6] : match?.[4]) ?? '';
      if (index === first) return `${prefix}[${base}, #${offset}]!${comment}`;
      if (index === second) return `${prefix}[${base}], #${moveBytes - firstBytes}${comment}`;
      const reach = access.pair || !access.writeBack ? offset % 4 === 0 && Math.abs(offset) <= 1020 : fitsOffset(offset);
      return reach ? `${prefix}[${base}, #${offset}]${comment}` : undefined;
    });
    if (rewritten.some((line) => line === undefined)) continue;
    accesses.forEach((access, index) => (lines[access.at] = rewritten[index] ?? ''));
    if (throughBase) lines[dispatch] = `\tldr\tpc, [${base}], #4`;
    dropped.add(at);
  }
  return lines.filter((_, at) => !dropped.has(at));
}

/** `add rB, rB, #n` or `add.w rB, rB, #n`: a step of a register by a constant that sets no flags. */
const FLAGLESS_STEP = /^\s+add(?:\.w)?\s+(r\d+), \1, #(\d+)\s*$/;

/**
 * Where a handler steps a register and then accesses the bytes the step went past (a push: `add r8, r8, #8`,
 * `str r3, [r8, #-8]`, `str r1, [r8, #-4]`), the step goes into the first access as its post-index (`str r3,
 * [r8], #8`; ARMv7-M ARM A7.7, the post-indexed forms): the register then holds what it held after the step
 * from that access on. Sound when nothing between the step and the access names the register, branches or is a
 * label, and the access does not load the register itself.
 */
function foldStepsIntoAccesses(lines: string[], loopStart: number): string[] {
  const dropped = new Set<number>();
  for (let at = loopStart; at < lines.length; at++) {
    const step = FLAGLESS_STEP.exec(lines[at] ?? '');
    if (!step) continue;
    const base = step[1] ?? '';
    const stepBytes = Number(step[2]);
    let next = at + 1;
    while (next < lines.length && !namesRegister(lines[next] ?? '', base)) {
      if (LABEL.test(lines[next] ?? '') || CONTROL.test(lines[next] ?? '')) break;
      next++;
    }
    const access = BASE_ACCESS.exec(lines[next] ?? '');
    if (!access || access[3] !== base || access[2] === base || access[5] !== undefined) continue;
    if (Number(access[4] ?? 0) !== -stepBytes || !fitsWriteBack(stepBytes)) continue;
    lines[next] = `${access[1] ?? ''}[${base}], #${stepBytes}${access[6] ?? ''}`;
    dropped.add(at);
  }
  return lines.filter((_, at) => !dropped.has(at));
}

/**
 * A word load to a register at a base, at an offset or post-indexed, with no comment (GCC marks a load of data
 * it does not know to be aligned `@ unaligned`).
 */
const WORD_LOAD = /^\s+ldr\s+(r\d+), \[(r\d+)(?:, #(-?\d+))?\](?:, #(-?\d+))?\s*$/;
/** An assembler directive or a label of the debug information (`.LVL<n>:`): no instruction, and no branch target. */
const NOT_CODE = /^\s*(\.(?!L\d+:)|@)/;
/** The offsets a `ldrd` takes (ARMv7-M ARM A7.7.50): a multiple of 4, within 1020 either way. */
function fitsPair(offset: number): boolean {
  return offset % 4 === 0 && Math.abs(offset) <= 1020;
}

/**
 * Two word loads at one base, one right after the other, of adjacent words (`ldr r3, [r4], #12`, `ldr r2, [r4,
 * #-8]`, a handler reading two cells) are one `ldrd` (`ldrd r3, r2, [r4], #12`; ARMv7-M ARM A7.7.50): one
 * instruction where there were two. A `ldrd` needs its words aligned, which those of a plain `ldr` GCC wrote
 * are: it marks its loads of data it does not know to be aligned. Sound when the two registers differ and
 * neither is the base; a step of the base by either load goes into the pair as its post-index, where the pair
 * starts at the base.
 */
function pairWordLoads(lines: string[], loopStart: number): string[] {
  const dropped = new Set<number>();
  for (let at = loopStart; at < lines.length; at++) {
    const first = WORD_LOAD.exec(lines[at] ?? '');
    if (!first) continue;
    let next = at + 1;
    while (next < lines.length && NOT_CODE.test(lines[next] ?? '')) next++;
    const second = WORD_LOAD.exec(lines[next] ?? '');
    if (!second) continue;
    const [, firstRegister, base, firstOffset, firstStep] = first;
    const [, secondRegister, secondBase, secondOffset, secondStep] = second;
    if (secondBase !== base || firstRegister === secondRegister || firstRegister === base || secondRegister === base) continue;
    if (firstStep !== undefined && secondStep !== undefined) continue;
    /* Each word's address as bytes past the base before the first load; the step, if any, after both. */
    const firstAddress = Number(firstOffset ?? 0);
    const secondAddress = Number(firstStep ?? 0) + Number(secondOffset ?? 0);
    const step = Number(firstStep ?? secondStep ?? 0);
    let pair: string;
    if (secondAddress === firstAddress + 4) pair = `${firstRegister}, ${secondRegister}`;
    else if (secondAddress === firstAddress - 4) pair = `${secondRegister}, ${firstRegister}`;
    else continue;
    const low = Math.min(firstAddress, secondAddress);
    if (step !== 0 && low === 0 && fitsPair(step)) lines[at] = `\tldrd\t${pair}, [${base}], #${step}`;
    else if (step === 0 && fitsPair(low)) lines[at] = `\tldrd\t${pair}, [${base}, #${low}]`;
    else continue;
    dropped.add(next);
    at = next;
  }
  return lines.filter((_, at) => !dropped.has(at));
}

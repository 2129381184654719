/**
 * The board build's rewrite of the interpreter loop's dispatches (host/firmware/thumb-dispatch.ts): what it
 * makes of GCC's shapes, and what it refuses.
 */
import { describe, expect, it } from 'vitest';
import { checkLoopFitsHandlerOffsets, rewriteLoopDispatches, ThumbDispatchError } from '../../host/firmware/thumb-dispatch.ts';

/** A loop function of the given body lines, as GCC writes one. */
function loop(...body: string[]): string {
  return ['\t.text', 'run:', ...body, '\t.size\trun, .-run', ''].join('\n');
}
function instructions(assembly: string): string[] {
  return assembly
    .split('\n')
    .filter((line) => /^\t[a-z]/.test(line) && !line.startsWith('\t.'))
    .map((line) => line.trim().replace(/\s+/g, ' '));
}

describe('the Thumb-2 dispatch rewrite', () => {
  it('makes a load, an orr, a step of the code pointer and a bx one post-indexed load to the pc', () => {
    const out = rewriteLoopDispatches(loop('\tldr\tr3, [r4]', '\torr\tr3, r3, #1', '\tadd\tr8, r8, #4', '\tadds\tr4, r4, #4', '\tbx\tr3'));
    expect(instructions(out)).toEqual(['add r8, r8, #4', 'ldr pc, [r4], #4']);
  });

  it('keeps a step the load does not sit at, and offsets the load by it', () => {
    const out = rewriteLoopDispatches(loop('\tldr\tr3, [r4, #12]', '\torr\tr3, r3, #1', '\tadds\tr4, r4, #12', '\tbx\tr3'));
    expect(instructions(out)).toEqual(['ldr pc, [r4, #12]!']);
    const kept = rewriteLoopDispatches(loop('\tldr\tr3, [r4, #4]', '\torr\tr3, r3, #1', '\tadds\tr4, r4, #12', '\tbx\tr3'));
    expect(instructions(kept)).toEqual(['adds r4, r4, #12', 'ldr pc, [r4, #-8]']);
  });

  it('leaves the load and the bx where the base changes otherwise between them', () => {
    const out = rewriteLoopDispatches(loop('\tldr\tr3, [r4]', '\torr\tr3, r3, #1', '\tldr\tr4, [r2]', '\tbx\tr3'));
    expect(instructions(out)).toEqual(['ldr r3, [r4]', 'ldr r4, [r2]', 'bx r3']);
  });

  it('loads through the code pointer where GCC copied it, less the steps since the copy', () => {
    const out = rewriteLoopDispatches(
      loop('\tmov\tr2, r4', '\tldr\tr3, [r4], #8', '\tldr\tr1, [r9, r3, lsl #2]', '\tldr\tr3, [r2, #4]', '\torr\tr3, r3, #1', '\tbx\tr3'),
    );
    expect(instructions(out)).toEqual(['ldr r3, [r4], #8', 'ldr r1, [r9, r3, lsl #2]', 'ldr pc, [r4, #-4]']);
  });

  it('moves a step of the code pointer made before other work into the load as its write-back', () => {
    const out = rewriteLoopDispatches(
      loop('\tadds\tr4, r4, #4', '\tvstr.32\ts15, [r8, #-4]', '\tldr\tr3, [r4, #-4]', '\torr\tr3, r3, #1', '\tbx\tr3'),
    );
    expect(instructions(out)).toEqual(['vstr.32 s15, [r8, #-4]', 'ldr pc, [r4], #4']);
  });

  it('moves nothing across a conditional branch, whose target may read the registers', () => {
    const out = rewriteLoopDispatches(
      loop('\tmov\tr2, r4', '\tldr\tr3, [r4], #8', '\tcmp\tr3, r5', '\tbhi\t.L78', '\tldr\tr3, [r2, #4]', '\torr\tr3, r3, #1', '\tbx\tr3'),
    );
    expect(instructions(out)).toEqual(['mov r2, r4', 'ldr r3, [r4], #8', 'cmp r3, r5', 'bhi .L78', 'ldr pc, [r2, #4]']);
  });

  it('folds the step of a push into its store where nothing but the dispatch follows', () => {
    const out = rewriteLoopDispatches(
      loop('\tldr\tr2, [r4], #8', '\tldr\tr1, [r9, r2, lsl #2]', '\tstr\tr1, [r8]', '\tadd\tr8, r8, #4', '\tldr\tr3, [r4, #-4]', '\torr\tr3, r3, #1', '\tbx\tr3'),
    );
    expect(instructions(out)).toEqual(['ldr r2, [r4], #8', 'ldr r1, [r9, r2, lsl #2]', 'str r1, [r8], #4', 'ldr pc, [r4, #-4]']);
  });

  it('reads the cells through the code pointer where GCC stepped a second pointer made from it', () => {
    const copied = rewriteLoopDispatches(
      loop(
        ...['\tmov\tr3, r4', '\tldr\tr2, [r4, #4]', '\tldr\tr1, [r3], #12', '\tldr\tr2, [r9, r2, lsl #2]', '\tldr\tr1, [r9, r1, lsl #2]'],
        ...['\teors\tr2, r2, r1', '\tldr\tr1, [r4, #8]', '\tstr\tr2, [r9, r1, lsl #2]', '\tadds\tr4, r4, #16', '\tldr\tr0, [r3]'],
        ...['\torr\tr0, r0, #1', '\tbx\tr0'],
      ),
    );
    expect(instructions(copied)).toEqual([
      ...['ldrd r1, r2, [r4], #12', 'ldr r2, [r9, r2, lsl #2]', 'ldr r1, [r9, r1, lsl #2]', 'eors r2, r2, r1'],
      ...['ldr r1, [r4, #-4]', 'str r2, [r9, r1, lsl #2]', 'ldr pc, [r4], #4'],
    ]);
    const offset = rewriteLoopDispatches(
      loop(
        ...['\tldr\tr3, [r4, #4]', '\tadd\tr2, r4, #8', '\tldr\tr1, [r4], #12', '\tldr\tr3, [r9, r3, lsl #2]', '\tstr\tr3, [r8], #4'],
        ...['\tldr\tr0, [r2]', '\torr\tr0, r0, #1', '\tbx\tr0'],
      ),
    );
    expect(instructions(offset)).toEqual(['ldrd r1, r3, [r4], #8', 'ldr r3, [r9, r3, lsl #2]', 'str r3, [r8], #4', 'ldr pc, [r4], #4']);
  });

  it('folds a second pointer across an IT block that names neither pointer, but not a step its conditions may read', () => {
    const compare = ['\tcmp\tr2, r1', '\tite\tcc', '\tmovcc\tr2, #0', '\tmovcs\tr2, #1', '\tstr\tr2, [r8], #4'];
    const out = rewriteLoopDispatches(
      loop('\tmov\tr3, r4', '\tldr\tr1, [r4, #4]', '\tldr\tr2, [r3], #8', ...compare, '\tadds\tr4, r4, #12', '\tldr\tr0, [r3]', '\torr\tr0, r0, #1', '\tbx\tr0'),
    );
    expect(instructions(out)).toEqual(['ldrd r2, r1, [r4], #8', 'cmp r2, r1', 'ite cc', 'movcc r2, #0', 'movcs r2, #1', 'str r2, [r8], #4', 'ldr pc, [r4], #4']);
    const stepFirst = ['\tmov\tr3, r4', '\tldr\tr2, [r3], #8', '\tadds\tr4, r4, #12', '\tite\tcc', '\tmovcc\tr2, #0', '\tmovcs\tr2, #1', '\tldr\tr0, [r3]'];
    const kept = rewriteLoopDispatches(loop(...stepFirst, '\torr\tr0, r0, #1', '\tbx\tr0'));
    expect(instructions(kept)).toEqual(['mov r3, r4', 'ldr r2, [r3], #8', 'adds r4, r4, #12', 'ite cc', 'movcc r2, #0', 'movcs r2, #1', 'ldr pc, [r3, #0]']);
  });

  it('keeps a second pointer that is read otherwise than as a base', () => {
    const out = rewriteLoopDispatches(
      loop('\tmov\tr3, r4', '\tldr\tr1, [r3], #12', '\tstr\tr3, [r8]', '\tadds\tr4, r4, #16', '\tldr\tr0, [r3]', '\torr\tr0, r0, #1', '\tbx\tr0'),
    );
    expect(instructions(out)).toEqual(['mov r3, r4', 'ldr r1, [r3], #12', 'str r3, [r8]', 'adds r4, r4, #16', 'ldr pc, [r3, #0]']);
  });

  it('folds the step of a pop into the accesses at the stack as their write-backs', () => {
    const dispatch = ['\tldr\tr0, [r4]', '\torr\tr0, r0, #1', '\tadds\tr4, r4, #4', '\tbx\tr0'];
    const twice = rewriteLoopDispatches(loop('\tldrd\tr3, r2, [r8, #-8]', '\tmul\tr3, r2, r3', '\tstr\tr3, [r8, #-8]', '\tsub\tr8, r8, #4', ...dispatch));
    expect(instructions(twice)).toEqual(['ldrd r3, r2, [r8, #-8]!', 'mul r3, r2, r3', 'str r3, [r8], #4', 'ldr pc, [r4], #4']);
    const once = rewriteLoopDispatches(
      loop('\tldr\tr3, [r8, #-4]', '\tand\tr2, r3, #31', '\tldr\tr3, [r8, #-8]', '\tlsrs\tr3, r3, r2', '\tstr\tr3, [r8, #-8]', '\tsub\tr8, r8, #4', ...dispatch),
    );
    expect(instructions(once)).toEqual(['ldr r3, [r8, #-4]!', 'and r2, r3, #31', 'ldr r3, [r8, #-4]', 'lsrs r3, r3, r2', 'str r3, [r8, #-4]', 'ldr pc, [r4], #4']);
  });

  it('keeps the step of a pop whose accesses cannot write back, or that loads the base itself', () => {
    const dispatch = ['\tldr\tr0, [r4]', '\torr\tr0, r0, #1', '\tadds\tr4, r4, #4', '\tbx\tr0'];
    const vfp = rewriteLoopDispatches(loop('\tvldr.32\ts15, [r8, #-4]', '\tvldr.32\ts14, [r8, #-8]', '\tvstr.32\ts15, [r8, #-8]', '\tsub\tr8, r8, #4', ...dispatch));
    expect(instructions(vfp)).toEqual(['vldr.32 s15, [r8, #-4]', 'vldr.32 s14, [r8, #-8]', 'vstr.32 s15, [r8, #-8]', 'sub r8, r8, #4', 'ldr pc, [r4], #4']);
    const loaded = rewriteLoopDispatches(loop('\tldr\tr8, [r8, #-4]', '\tsub\tr8, r8, #4', ...dispatch));
    expect(instructions(loaded)).toEqual(['ldr r8, [r8, #-4]', 'sub r8, r8, #4', 'ldr pc, [r4], #4']);
  });

  it('folds a step of the code pointer before a dispatch at the cell before its end into the cells read and the dispatch', () => {
    const out = rewriteLoopDispatches(
      loop('\tldr\tr3, [r4]', '\tldr\tr2, [r9, r3, lsl #2]', '\tldr\tr3, [r4, #4]', '\tstr\tr2, [r8], #4', '\tadds\tr4, r4, #12', '\tldr\tr0, [r4, #-4]', '\torr\tr0, r0, #1', '\tbx\tr0'),
    );
    expect(instructions(out)).toEqual(['ldr r3, [r4], #8', 'ldr r2, [r9, r3, lsl #2]', 'ldr r3, [r4, #-4]', 'str r2, [r8], #4', 'ldr pc, [r4], #4']);
  });

  it('folds the step of a push made before its stores into the first store as its post-index', () => {
    const dispatch = ['\tldr\tr0, [r4]', '\torr\tr0, r0, #1', '\tadds\tr4, r4, #4', '\tbx\tr0'];
    const pair = rewriteLoopDispatches(loop('\tadd\tr8, r8, #8', '\tldr\tr3, [r9]', '\tstr\tr3, [r8, #-8]', '\tstr\tr1, [r8, #-4]', ...dispatch));
    expect(instructions(pair)).toEqual(['ldr r3, [r9]', 'str r3, [r8], #8', 'str r1, [r8, #-4]', 'ldr pc, [r4], #4']);
    const byte = rewriteLoopDispatches(loop('\tadd\tr8, r8, #4', '\tldrb\tr2, [r3, #-1]', '\tstr\tr2, [r8, #-4]', ...dispatch));
    expect(instructions(byte)).toEqual(['ldrb r2, [r3, #-1]', 'str r2, [r8], #4', 'ldr pc, [r4], #4']);
  });

  it('keeps the step of a push where the register is read, the flags are set or a branch comes before the store', () => {
    const dispatch = ['\tldr\tr0, [r4]', '\torr\tr0, r0, #1', '\tadds\tr4, r4, #4', '\tbx\tr0'];
    const read = rewriteLoopDispatches(loop('\tadd\tr8, r8, #4', '\tmov\tr0, r8', '\tstr\tr2, [r8, #-4]', ...dispatch));
    expect(instructions(read)).toEqual(['add r8, r8, #4', 'mov r0, r8', 'str r2, [r8, #-4]', 'ldr pc, [r4], #4']);
    const flags = rewriteLoopDispatches(loop('\tadds\tr3, r3, #4', '\tstr\tr2, [r3, #-4]', ...dispatch));
    expect(instructions(flags)).toEqual(['adds r3, r3, #4', 'str r2, [r3, #-4]', 'ldr pc, [r4], #4']);
    const branch = rewriteLoopDispatches(loop('\tadd\tr8, r8, #4', '\tbcs\t.L80', '\tstr\tr2, [r8, #-4]', ...dispatch));
    expect(instructions(branch)).toEqual(['add r8, r8, #4', 'bcs .L80', 'str r2, [r8, #-4]', 'ldr pc, [r4], #4']);
    const elsewhere = rewriteLoopDispatches(loop('\tadd\tr8, r8, #8', '\tstr\tr2, [r8, #-4]', ...dispatch));
    expect(instructions(elsewhere)).toEqual(['add r8, r8, #8', 'str r2, [r8, #-4]', 'ldr pc, [r4], #4']);
  });

  it('loads two adjacent words at one base, one load right after the other, as one ldrd', () => {
    const dispatch = ['\tldr\tr0, [r5]', '\torr\tr0, r0, #1', '\tbx\tr0'];
    const cells = rewriteLoopDispatches(loop('\tldr\tr3, [r4], #12', '\t.loc 1 1074 3 view .LVU2065', '\tldr\tr2, [r4, #-8]', '\tadd\tr3, r3, r2', ...dispatch));
    expect(instructions(cells)).toEqual(['ldrd r3, r2, [r4], #12', 'add r3, r3, r2', 'ldr pc, [r5, #0]']);
    const swapped = rewriteLoopDispatches(loop('\tldr\tr1, [r4, #4]', '\tldr\tr2, [r4], #8', '\tadd\tr3, r1, r2', ...dispatch));
    expect(instructions(swapped)).toEqual(['ldrd r2, r1, [r4], #8', 'add r3, r1, r2', 'ldr pc, [r5, #0]']);
    const offset = rewriteLoopDispatches(loop('\tldr\tr1, [r0, #100]', '\tldr\tr7, [r0, #96]', '\tadd\tr3, r1, r7', ...dispatch));
    expect(instructions(offset)).toEqual(['ldrd r7, r1, [r0, #96]', 'add r3, r1, r7', 'ldr pc, [r5, #0]']);
  });

  it('keeps two loads that are not known aligned, not adjacent, not one after the other, or that write the base', () => {
    const dispatch = ['\tldr\tr0, [r5]', '\torr\tr0, r0, #1', '\tbx\tr0'];
    const kept = [
      ['\tldr\tr3, [r2, #-4]\t@ unaligned', '\tldr\tr1, [r2]\t@ unaligned'],
      ['\tldr\tr3, [r4]', '\tldr\tr2, [r4, #8]'],
      ['\tldr\tr3, [r4], #12', '\tldr\tr2, [r4, #-4]'],
      ['\tldr\tr3, [r4]', '.L80:', '\tldr\tr2, [r4, #4]'],
      ['\tldr\tr3, [r4]', '\tadd\tr3, r3, #1', '\tldr\tr2, [r4, #4]'],
      ['\tldr\tr4, [r4]', '\tldr\tr2, [r4, #4]'],
      ['\tldr\tr3, [r4]', '\tldr\tr3, [r4, #4]'],
    ];
    for (const loads of kept) {
      const out = rewriteLoopDispatches(loop(...loads, ...dispatch));
      expect(instructions(out)).toEqual([...instructions(loop(...loads)), 'ldr pc, [r5, #0]']);
    }
  });

  it('refuses an orr of the state bit whose register is used before the jump, or a dispatch without one', () => {
    expect(() => rewriteLoopDispatches(loop('\tldr\tr3, [r4]', '\torr\tr3, r3, #1', '\tstr\tr3, [r8]', '\tbx\tr3'))).toThrow(ThumbDispatchError);
    expect(() => rewriteLoopDispatches(loop('\tldr\tr3, [r4]', '\tbx\tr3'))).toThrow(ThumbDispatchError);
  });

  it('refuses a loop past the reach of 16-bit handler offsets', () => {
    expect(() => checkLoopFitsHandlerOffsets('section size addr\n.text.run 14216 0\n')).not.toThrow();
    expect(() => checkLoopFitsHandlerOffsets('section size addr\n.text.run 40000 0\n')).toThrow(ThumbDispatchError);
  });
});

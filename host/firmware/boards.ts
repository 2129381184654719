/**
 * The boards under firmware/boards/: one folder each, with board.json (what the build needs), memory.ld and its
 * C sources (docs/firmware.md, "Adding a board").
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { FIRMWARE_DIR } from './sources.ts';

const BOARDS_DIR = path.join(FIRMWARE_DIR, 'boards');

const boardSchema = z
  .object({
    description: z.string(),
    chip: z.string(),
    /** arm-none-eabi-gcc flags for the core. */
    cpu: z.array(z.string()).min(1),
    /** Folders under firmware/ whose .c files the board uses, beside the portable ones. */
    sources: z.array(z.string()),
    /** The QEMU machine that emulates the board, if one does. */
    qemuMachine: z.string().optional(),
  })
  .strict();

export interface Board extends z.infer<typeof boardSchema> {
  name: string;
  dir: string;
}

export class BoardError extends Error {}

export async function listBoards(): Promise<string[]> {
  const entries = await readdir(BOARDS_DIR, { withFileTypes: true });
  return entries.filter((entry) => entry.isDirectory()).map((entry) => entry.name).sort();
}

export async function loadBoard(name: string): Promise<Board> {
  const boards = await listBoards();
  if (!boards.includes(name)) throw new BoardError(`no board '${name}'; the boards are ${boards.join(', ')}`);
  const dir = path.join(BOARDS_DIR, name);
  const json: unknown = JSON.parse(await readFile(path.join(dir, 'board.json'), 'utf8'));
  const parsed = boardSchema.safeParse(json);
  if (!parsed.success) throw new BoardError(`firmware/boards/${name}/board.json: ${parsed.error.message}`);
  return { ...parsed.data, name, dir };
}

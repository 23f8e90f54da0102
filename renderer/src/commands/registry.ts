// The command model: every user command is declared once (id, label, keys, when it applies,
// what it does) and the same declaration feeds shortcuts, the toolbar, context menus and the
// command palette.
import { isTypingTarget, type KeyEventLike, matchesBinding } from './keys';

export type CommandCategory = 'File' | 'Edit' | 'Selection' | 'View' | 'Insert' | 'Run' | 'Help';

/** Where a command is offered besides the palette. */
export type CommandPlace = 'canvasMenu' | 'nodeMenu' | 'edgeMenu';

export interface Command<Ctx> {
  id: string;
  label: string;
  category: CommandCategory;
  /** Bindings; the first is the one shown in menus. */
  keys?: readonly string[];
  /** Whether the command applies now; commands that do not are greyed out and their keys ignored. */
  when?: (ctx: Ctx) => boolean;
  /** Whether the command still runs while the user types in a field (only the Escape-like ones). */
  whileTyping?: boolean;
  places?: readonly CommandPlace[];
  run: (ctx: Ctx) => void;
}

export function defineCommands<Ctx>(commands: readonly Command<Ctx>[]): readonly Command<Ctx>[] {
  const seen = new Set<string>();
  for (const c of commands) {
    if (seen.has(c.id)) throw new Error(`Command '${c.id}' is declared twice`);
    seen.add(c.id);
  }
  return commands;
}

export function isEnabled<Ctx>(command: Command<Ctx>, ctx: Ctx): boolean {
  return command.when ? command.when(ctx) : true;
}

export type KeyEventWithTarget = KeyEventLike & { target: EventTarget | null };

/** The command a key event triggers, or null: none while typing in a field, none that does not apply. */
export function commandForKey<Ctx>(
  commands: readonly Command<Ctx>[],
  event: KeyEventWithTarget,
  ctx: Ctx,
  isMac: boolean,
): Command<Ctx> | null {
  const typing = isTypingTarget(event.target as Parameters<typeof isTypingTarget>[0]);
  for (const command of commands) {
    if (!command.keys?.some((k) => matchesBinding(k, event, isMac))) continue;
    if (typing && !command.whileTyping) continue;
    if (!isEnabled(command, ctx)) continue;
    return command;
  }
  return null;
}

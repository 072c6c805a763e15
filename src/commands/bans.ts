import { Command, Option } from "commander";
import type { BanOptions } from "./ban-args.js";
import { inventoryFlag } from "./context.js";
import { roomTypeOptions, safetyOptions, waitOption } from "./options.js";
import { defineCommand } from "./registry.js";

const banActions = () => import("./ban-actions.js");
const bansActions = () => import("./bans-actions.js");

const CAVEAT = `TRTC has no server-side ban: trtc-admin kicks a banned user again each time a 103 (user
entered) reaches \`events serve\` or \`events ingest\`, so the user may be in the room for a moment
before the kick lands. To keep a user out entirely, make your UserSig issuer refuse them:
\`trtc-admin bans export\` is the deny-list for it.`;

const BAN_HELP = `
Kicks the users now (as \`kick\`: results, exit code, --yes, --dry-run) and stores each ban with
its expiry in the inventory; --dry-run stores nothing. --for: an integer and s, m, h or d, from
10s to 7d. With --all-rooms (no <room>), bans from every room of the SdkAppId and kicks from every
live room the inventory shows them in. Banning again replaces the expiry.

${CAVEAT}

Examples:
  $ trtc-admin ban 1234 troll --for 2h --reason "spam"
  $ trtc-admin ban --str-room 1234 troll --for 30m --yes
  $ trtc-admin ban --all-rooms troll imp --for 7d --yes --output ndjson
  $ trtc-admin events serve --port 8787     # enforces the bans while it runs`;

const UNBAN_HELP = `
Ends the users' active bans in the room (or, with --all-rooms, every ban of theirs). Nothing is
sent to TRTC and no --yes is needed; ended bans stay visible in \`bans list --all\`.

Examples:
  $ trtc-admin unban 1234 troll
  $ trtc-admin unban --all-rooms troll imp --json`;

const BANS_HELP = `
${CAVEAT}

Examples:
  $ trtc-admin bans list
  $ trtc-admin bans list --all --json
  $ trtc-admin bans export > denylist.json`;

/** ban and unban: the room (or, with --all-rooms, the first user), the user ids, the options. */
const banInput = (cmd: Command) => {
  const [room, users] = cmd.processedArgs as [string | undefined, string[]];
  return { cmd, room, users, opts: cmd.opts<BanOptions>() };
};

const allRoomsOption = (what: string) => new Option("--all-rooms", `${what}; the first argument is then a user id`).conflicts(["strRoom", "numericRoom"]);

/** ban, unban and bans list/export; their code loads only when one runs. */
export function banCommands(): Command[] {
  const ban = new Command("ban")
    .description("kick users now and again whenever they enter, until the ban ends")
    .argument("[room]", "room id: a canonical decimal is a numeric room, anything else a string room (omit with --all-rooms)")
    .argument("[userId...]", "user ids to ban")
    .option("--for <dur>", "how long: 10s to 7d (90s, 30m, 2h, 7d)")
    .option("--reason <text>", "why, kept with the ban (up to 200 characters)")
    .addOption(allRoomsOption("every room of the SdkAppId"));
  for (const option of safetyOptions(true)) if (option.long !== "--from-file") ban.addOption(option);
  ban.addOption(waitOption());
  ban.addHelpText("after", BAN_HELP);
  defineCommand(ban, { input: banInput, run: async (ctx, i) => (await banActions()).ban(ctx, i.cmd, i.room, i.users, i.opts) });

  const unban = new Command("unban")
    .description("end bans (nothing is sent to TRTC)")
    .argument("[room]", "room id (omit with --all-rooms)")
    .argument("[userId...]", "user ids")
    .addOption(allRoomsOption("every ban of these users, all-rooms and per-room"))
    .addHelpText("after", UNBAN_HELP);
  defineCommand(unban, { input: banInput, run: async (ctx, i) => (await bansActions()).unban(ctx, inventoryFlag(i.cmd), i.room, i.users, i.opts) });

  for (const option of roomTypeOptions()) unban.addOption(option);
  const bans = new Command("bans").description("list or export the bans kept in the inventory").addHelpText("after", BANS_HELP);
  const list = new Command("list")
    .description("active bans (--all: expired and ended ones too)")
    .option("--all", "expired and ended bans too")
    .addHelpText("after", "\nExamples:\n  $ trtc-admin bans list\n  $ trtc-admin bans list --all --output ndjson");
  bans.addCommand(
    defineCommand(list, {
      input: (cmd) => ({ inventory: inventoryFlag(cmd), all: Boolean(cmd.opts<{ all?: boolean }>().all) }),
      run: async (ctx, i) => (await bansActions()).list(ctx, i.inventory, i.all),
    }),
  );
  const exportCmd = new Command("export")
    .description('active bans as {"bans": [...]}, the deny-list for your UserSig issuer')
    .addHelpText("after", `\nAlways one JSON document, whatever --output says.\n\n${CAVEAT}\n\nExample:\n  $ trtc-admin bans export > denylist.json`);
  bans.addCommand(defineCommand(exportCmd, { input: inventoryFlag, run: async (ctx, inventory) => (await bansActions()).exportBans(ctx, inventory) }));
  return [ban, unban, bans];
}

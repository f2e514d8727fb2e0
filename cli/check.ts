/** `sfc check`: files, folders and globs, checked together; diagnostics in any format. */
import { check } from "../compiler/index";
import { diagnosticFormat, limitsOf, settingsOf, version } from "./common";
import { cliHost } from "./prebuilt-stdlib";
import { CHECK } from "./commands";
import { expandInputs } from "./inputs";
import { printDiagnostics, UsageError, whyNotASource, type Io } from "./io";
import { parseCommand } from "./options";
import { counted } from "../compiler/thousands";

export function checkCommand(argv: string[], io: Io): number {
  const { values, positionals } = parseCommand(CHECK, argv);
  if (positionals.length === 0) throw new UsageError("sfc check needs at least one FILE, FOLDER or GLOB");
  const format = diagnosticFormat(values.format);
  const host = cliHost();
  const { files, problems } = expandInputs(positionals, (f) => (host.readFile(f) === undefined ? whyNotASource(host, f) : undefined));
  // Only the diagnostics are reported: each network's graph is let go once it is checked.
  const result = files.length > 0 ? check({ files, host, settings: settingsOf(values), limits: limitsOf(values), graphs: false }) : undefined;
  // Unreadable inputs do not stop the others from being checked, and the
  // document is whole either way; they make the exit status 2.
  printDiagnostics(io, format, result?.diagnostics ?? [], result?.sources ?? new Map(), version(), problems);
  if (problems.length > 0) return 2;
  if (format === "human" && result!.ok) io.err(`checked ${counted(files.length, "file")}: ${counted(result!.networks.length, "network")}, no errors\n`);
  return result!.ok ? 0 : 1;
}

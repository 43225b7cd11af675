// What both esptool-js client scripts need: MD5 as esptool-js wants it, the test's image files,
// and a terminal that keeps esptool-js's output for checks and failure reports.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";

export const md5hex = (data) => createHash("md5").update(data).digest("hex");

export const loaderFrom = (workdir) => (name) => new Uint8Array(readFileSync(`${workdir}/${name}`));

// `log` holds every line esptool-js printed, in order.
export function capturingTerminal() {
  const log = [];
  const terminal = {
    clean() {},
    writeLine(line) {
      log.push(String(line));
    },
    write(text) {
      log.push(String(text));
    },
  };
  return { log, terminal };
}

// Runs esptool-js (Espressif's own TypeScript esptool) against fwprov-sim:
//   node esptool_js_client.mjs PORT WORKDIR
// connect + detect an ESP32, upload esptool-js's own ESP32 stub, change baud, write three
// images compressed and three uncompressed (MD5 checked by esptool-js), read them back.
// Prints one JSON summary line; exits non-zero on any failure.
import { ESPLoader, Transport } from "esptool-js";
import { capturingTerminal, loaderFrom, md5hex } from "./client_support.mjs";
import { TcpSerialPort } from "./tcp_serial_port.mjs";

const [port, workdir] = process.argv.slice(2);
if (!port || !workdir) {
  console.error("usage: node esptool_js_client.mjs PORT WORKDIR");
  process.exit(2);
}

const load = loaderFrom(workdir);
const { log, terminal } = capturingTerminal();

function fail(message) {
  console.error(`esptool-js client: ${message}`);
  console.error(log.slice(-30).join("\n"));
  process.exit(1);
}

const serialPort = new TcpSerialPort("127.0.0.1", Number(port));
const transport = new Transport(serialPort, false);
const loader = new ESPLoader({ transport, baudrate: 921600, romBaudrate: 115200, terminal, debugLogging: false });

const summary = {};
try {
  const chip = await loader.main("no_reset");
  summary.chip = chip;
  if (!String(chip).startsWith("ESP32-D0WD")) fail(`unexpected chip description '${chip}'`);
  summary.stub = loader.IS_STUB;
  if (!loader.IS_STUB) fail("esptool-js did not end up talking to its stub");
  summary.baud = transport.baudrate;
  if (serialPort.baudRate !== 921600) fail(`baud change did not reach the port (${serialPort.baudRate})`);

  const compressed = [
    { address: 0x1000, data: load("boot.bin") },
    { address: 0x8000, data: load("table.bin") },
    { address: 0x20000, data: load("app.bin") },
  ];
  const raw = [
    { address: 0x100000, data: load("raw1.bin") },
    { address: 0x110000, data: load("raw2.bin") },
    { address: 0x200000, data: load("raw3.bin") },
  ];
  const common = { flashSize: "keep", flashMode: "keep", flashFreq: "keep", eraseAll: false, calculateMD5Hash: md5hex };
  await loader.writeFlash({ ...common, fileArray: compressed, compress: true });
  await loader.writeFlash({ ...common, fileArray: raw, compress: false });

  const checked = [];
  for (const image of [...compressed, ...raw]) {
    const md5 = await loader.flashMd5sum(image.address, image.data.length);
    if (md5 !== md5hex(image.data)) fail(`flash MD5 at 0x${image.address.toString(16)} is ${md5}, expected ${md5hex(image.data)}`);
    const back = await loader.readFlash(image.address, image.data.length);
    if (Buffer.compare(Buffer.from(back), Buffer.from(image.data)) !== 0)
      fail(`read-back at 0x${image.address.toString(16)} differs from what was written`);
    checked.push({ address: image.address, size: image.data.length, md5 });
  }
  summary.images = checked;
  summary.port_opens = serialPort.opens;
  await transport.disconnect();
} catch (error) {
  fail(error && error.stack ? error.stack : String(error));
}
console.log(JSON.stringify(summary));
process.exit(0);

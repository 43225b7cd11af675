// esptool-js against fwprov-sim posing as one chip of the chip table:
//   node esptool_js_chip_client.mjs PORT WORKDIR CHIP_PREFIX BOOT_OFFSET [erase]
// detect (the description must start with CHIP_PREFIX), upload esptool-js's stub for that
// chip, change baud, write compressed (at the chip's bootloader offset, 0x8000, 0x20000) and
// raw (0x100000, 0x200000), check each MD5, read each back. With `erase`: erase the whole
// flash instead and check that app.bin's region reads back as 0xFF. One JSON summary line.
import { ESPLoader, Transport } from "esptool-js";
import { capturingTerminal, loaderFrom, md5hex } from "./client_support.mjs";
import { TcpSerialPort } from "./tcp_serial_port.mjs";

const [port, workdir, prefix, bootOffset, mode] = process.argv.slice(2);
if (!port || !workdir || !prefix || bootOffset === undefined) {
  console.error("usage: node esptool_js_chip_client.mjs PORT WORKDIR CHIP_PREFIX BOOT_OFFSET");
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
  summary.chip_name = loader.chip.CHIP_NAME;
  if (!String(chip).startsWith(prefix)) fail(`unexpected chip description '${chip}', expected '${prefix}...'`);
  summary.stub = loader.IS_STUB;
  if (!loader.IS_STUB) fail("esptool-js did not end up talking to its stub");
  summary.baud = transport.baudrate;
  if (mode === "erase") {
    await loader.eraseFlash();
    const size = load("app.bin").length;
    const md5 = await loader.flashMd5sum(0x20000, size);
    if (md5 !== md5hex(Buffer.alloc(size, 0xff))) fail(`after eraseFlash the region at 0x20000 is not blank (${md5})`);
    summary.erased = true;
    await transport.disconnect();
    console.log(JSON.stringify(summary));
    process.exit(0);
  }

  const compressed = [
    { address: Number(bootOffset), data: load("boot.bin") },
    { address: 0x8000, data: load("table.bin") },
    { address: 0x20000, data: load("app.bin") },
  ];
  const raw = [
    { address: 0x100000, data: load("raw1.bin") },
    { address: 0x200000, data: load("raw2.bin") },
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
  await transport.disconnect();
} catch (error) {
  fail(error && error.stack ? error.stack : String(error));
}
console.log(JSON.stringify(summary));
process.exit(0);

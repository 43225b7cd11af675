// Calls every public ESPLoader operation of esptool-js 0.7.0 against fwprov-sim and checks
// what it returns against what a real ESP32-D0WD-V3 (the chip the simulator emulates, fact
// sheet §7) would give:
//   node esptool_js_api_client.mjs PORT WORKDIR MAC
// MAC is the eFuse MAC the simulator was started with (--mac). Prints one JSON summary line;
// exits non-zero with the failed check on stderr.
import { ESPLoader, Transport } from "esptool-js";
import { capturingTerminal, loaderFrom, md5hex } from "./client_support.mjs";
import { TcpSerialPort } from "./tcp_serial_port.mjs";

const [port, workdir, mac] = process.argv.slice(2);
if (!port || !workdir || !mac) {
  console.error("usage: node esptool_js_api_client.mjs PORT WORKDIR MAC");
  process.exit(2);
}

const load = loaderFrom(workdir);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const FLASH_SIZE = 4 * 1024 * 1024; // the simulator's default --flash-size
const { log, terminal } = capturingTerminal();

function fail(message) {
  console.error(log.slice(-20).join("\n")); // esptool-js's own words, then the failed check
  console.error(`esptool-js API client: ${message}`);
  process.exit(1);
}
function expectEqual(what, actual, expected) {
  if (JSON.stringify(actual) !== JSON.stringify(expected))
    fail(`${what}: got ${JSON.stringify(actual)}, expected ${JSON.stringify(expected)}`);
}
async function expectThrows(what, action, pattern) {
  try {
    await action();
  } catch (error) {
    if (!pattern.test(String(error && error.message))) fail(`${what}: threw '${error && error.message}', expected ${pattern}`);
    return;
  }
  fail(`${what}: did not throw`);
}
function newLoader() {
  const serialPort = new TcpSerialPort("127.0.0.1", Number(port));
  const transport = new Transport(serialPort, false);
  const loader = new ESPLoader({ transport, baudrate: 921600, romBaudrate: 115200, terminal, debugLogging: false });
  return { serialPort, transport, loader };
}

// What esptool.py/esptool-js print for the simulator's eFuse words (fact sheet §7: w3 0xA200,
// w4 0x531, w5 0x00100000, w6 0, APB_CTL_DATE 0x96042000 -> "ESP32-D0WD-V3 (revision v3.0)").
const EXPECTED_DESCRIPTION = "ESP32-D0WD-V3 (revision 3)";
const EXPECTED_FEATURES = ["Wi-Fi", " BT", " Dual Core", " 240MHz", " VRef calibration in efuse", " Coding Scheme None"];
// RDID: Winbond (0xEF), type 0x40, capacity code 0x16 = 2^22 bytes = 4 MB (fact sheet §11).
const EXPECTED_FLASH_ID = 0x1640ef;

async function checkChipInfo(loader, when) {
  expectEqual(`${when}: getChipDescription`, await loader.chip.getChipDescription(loader), EXPECTED_DESCRIPTION);
  expectEqual(`${when}: getChipFeatures`, await loader.chip.getChipFeatures(loader), EXPECTED_FEATURES);
  const before = log.length;
  expectEqual(`${when}: getCrystalFreq`, await loader.chip.getCrystalFreq(loader), 40);
  // UART_CLKDIV must match the current baud rate, or esptool-js warns about the crystal.
  const warnings = log.slice(before).filter((line) => /Unsupported crystal/.test(line));
  expectEqual(`${when}: crystal warnings`, warnings, []);
  expectEqual(`${when}: readMac`, await loader.chip.readMac(loader), mac.toLowerCase());
}

const summary = {};
try {
  // Session 1: the ROM only. detectChip, the chip queries, then after("soft_reset"), which for
  // the ROM is FLASH_BEGIN(0,0) + FLASH_END(run user code): the loader leaves, nothing answers.
  {
    const { transport, loader } = newLoader();
    await loader.detectChip("no_reset");
    expectEqual("detectChip", loader.chip && loader.chip.CHIP_NAME, "ESP32");
    expectEqual("ROM sync value", loader.syncStubDetected, false);
    await checkChipInfo(loader, "ROM");
    // changeBaud straight to the ROM (second word 0): UART_CLKDIV follows the new rate there too.
    await loader.changeBaud();
    await checkChipInfo(loader, "ROM at 921600");
    expectEqual("ROM readFlashId", await loader.readFlashId(), EXPECTED_FLASH_ID);
    // The ESP32 ROM answers SPI_FLASH_MD5 with 32 ASCII hex digits (fact sheet §5); esptool-js
    // 0.7.0 hex-encodes those bytes once more, so its ROM-mode result is hex(ASCII(md5)).
    const zeros = new Uint8Array(0x1000); // the test fills the flash file with zeros
    expectEqual("ROM flashMd5sum", await loader.flashMd5sum(0, zeros.length), Buffer.from(md5hex(zeros), "ascii").toString("hex"));
    // Stub-only commands: the ROM refuses them with "invalid message" (status 01 05, §3).
    await expectThrows("ROM readFlash", () => loader.readFlash(0, 0x1000), /status 1,5/);
    await expectThrows("ROM eraseFlash", () => loader.eraseFlash(), /status 1,5/);
    await loader.after("soft_reset");
    await expectThrows("READ_REG after soft_reset", () => loader.readReg(loader.CHIP_DETECT_MAGIC_REG_ADDR, 500), /stream stopped|No serial data|timeout/i); // nothing answers
    await transport.disconnect();
    summary.rom = true;
  }

  // Session 2: main() (detect, stub, 921600 baud, flash id check), then every flash operation.
  const { serialPort, transport, loader } = newLoader();
  const chip = await loader.main("no_reset");
  expectEqual("main() chip description", chip, EXPECTED_DESCRIPTION);
  if (!loader.IS_STUB) fail("main() did not start the stub");
  expectEqual("port baud after changeBaud", serialPort.baudRate, 921600);
  await checkChipInfo(loader, "stub at 921600");
  summary.chip = chip;

  expectEqual("readFlashId", await loader.readFlashId(), EXPECTED_FLASH_ID);
  await loader.flashId();
  if (!log.some((line) => /Detected flash size: 4MB/.test(line))) fail("flashId() did not report 4MB");
  expectEqual("detectFlashSize", await loader.detectFlashSize(), "4MB");

  // eraseFlash: every byte 0xFF afterwards (MD5 over the whole chip and a read-back).
  await loader.eraseFlash();
  expectEqual("MD5 of the erased chip", await loader.flashMd5sum(0, FLASH_SIZE), md5hex(new Uint8Array(FLASH_SIZE).fill(0xff)));
  const erased = await loader.readFlash(0x3f0000, 0x2000);
  if (!erased.every((byte) => byte === 0xff)) fail("readFlash after eraseFlash: not all 0xFF");

  // writeFlash in all four combinations of compress and flashSize keep/detect.
  const writes = [
    { address: 0x10000, data: load("a.bin"), compress: true, flashSize: "keep" },
    { address: 0x20000, data: load("b.bin"), compress: false, flashSize: "keep" },
    { address: 0x40000, data: load("c.bin"), compress: true, flashSize: "detect" },
    { address: 0x3f8000, data: load("d.bin"), compress: false, flashSize: "detect" },
  ];
  for (const { address, data, compress, flashSize } of writes) {
    await loader.writeFlash({
      fileArray: [{ address, data }],
      flashSize,
      flashMode: "keep",
      flashFreq: "keep",
      eraseAll: false,
      compress,
      calculateMD5Hash: md5hex,
    });
  }
  // 'detect' resolves to the RDID size (4 MB): a file past its end is refused before any write.
  await expectThrows(
    "writeFlash past the detected size",
    () =>
      loader.writeFlash({
        fileArray: [{ address: FLASH_SIZE - 0x1000, data: new Uint8Array(0x2000) }],
        flashSize: "detect",
        flashMode: "keep",
        flashFreq: "keep",
        eraseAll: false,
        compress: true,
      }),
    /doesn't fit/,
  );
  for (const { address, data } of writes) {
    expectEqual(`flashMd5sum at 0x${address.toString(16)}`, await loader.flashMd5sum(address, data.length), md5hex(data));
    const back = await loader.readFlash(address, data.length);
    if (Buffer.compare(Buffer.from(back), Buffer.from(data)) !== 0) fail(`readFlash at 0x${address.toString(16)} differs from what was written`);
  }
  summary.writes = writes.length;

  // after("no_reset") with the stub on an ESP32: esptool-js 0.7.0 calls softReset(true) without
  // awaiting it, and that refuses ("only supported on ESP8266") before sending anything, so the
  // stub keeps running and still answers.
  const rejections = [];
  process.on("unhandledRejection", (reason) => rejections.push(String(reason && reason.message)));
  await loader.after("no_reset");
  await sleep(200);
  expectEqual("after('no_reset') with the stub", rejections, ["Soft resetting is currently only supported on ESP8266"]);
  expectEqual("magic after after('no_reset')", (await loader.readReg(loader.CHIP_DETECT_MAGIC_REG_ADDR)) >>> 0, 0x00f01d83);

  // after("hard_reset"): modem lines only, nothing on the wire (esptool-js 0.7.0's HardReset
  // just releases RTS; the TCP port records it). The simulator must not see a stray frame.
  const signalsBefore = serialPort.signals.length;
  await loader.after("hard_reset", false);
  if (!serialPort.signals.slice(signalsBefore).some((s) => s.requestToSend === false)) fail("after('hard_reset') did not touch RTS");
  await transport.disconnect();
  summary.done = true;
} catch (error) {
  fail(error && error.stack ? error.stack : String(error));
}
console.log(JSON.stringify(summary));
process.exit(0);

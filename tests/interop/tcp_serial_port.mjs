// A Web-Serial-like port over raw TCP, enough for esptool-js's Transport: open/close,
// readable/writable web streams, setSignals, getInfo, and setBaudRate as a no-op so that a
// baud change does not reopen (= reconnect, = reset) the simulated chip.
import net from "node:net";

export class TcpSerialPort {
  constructor(host, port) {
    this.host = host;
    this.port = port;
    this.readable = null;
    this.writable = null;
    this.socket = null;
    this.baudRate = 0;
    this.signals = [];
    this.opens = 0;
  }

  getInfo() {
    return {}; // no USB vendor/product: esptool-js then uses the classic reset sequences
  }

  async open(options = {}) {
    if (this.socket) throw new Error("port already open");
    this.baudRate = options.baudRate ?? 115200;
    const socket = net.createConnection({ host: this.host, port: this.port });
    socket.setNoDelay(true);
    await new Promise((resolve, reject) => {
      socket.once("connect", resolve);
      socket.once("error", reject);
    });
    this.socket = socket;
    this.opens += 1;
    this.readable = new ReadableStream({
      start(controller) {
        socket.on("data", (chunk) => controller.enqueue(new Uint8Array(chunk)));
        socket.on("close", () => {
          try {
            controller.close();
          } catch {
            /* already closed or cancelled */
          }
        });
        socket.on("error", (error) => {
          try {
            controller.error(error);
          } catch {
            /* already closed */
          }
        });
      },
      cancel() {
        socket.destroy();
      },
    });
    this.writable = new WritableStream({
      write(chunk) {
        return new Promise((resolve, reject) => socket.write(Buffer.from(chunk), (error) => (error ? reject(error) : resolve())));
      },
    });
  }

  async close() {
    if (this.socket) this.socket.destroy();
    this.socket = null;
    this.readable = null;
    this.writable = null;
  }

  async setSignals(signals) {
    this.signals.push(signals); // TCP has no modem lines; kept for the record
  }

  async setBaudRate(baudRate) {
    this.baudRate = baudRate;
  }
}

import net from 'node:net';

/**
 * Counts what runs really did. A sandboxed run cannot write outside its workspace, but it has
 * the network, as providers need: a provisioner reports each apply as a line sent over TCP to
 * this recorder, through bash's /dev/tcp.
 */
export interface ApplyRecorder {
  port: number;
  /** A `terraform_data` resource, replaced when `value` changes, whose creation reports `${var.gantry_run_id}` to the recorder. */
  resource(name: string, value: string): string;
  /** Every line reported so far, once every report in flight has arrived. */
  lines(): Promise<string[]>;
  close(): Promise<void>;
}

export async function startApplyRecorder(): Promise<ApplyRecorder> {
  const received: string[] = [];
  const open = new Set<net.Socket>();
  let idle: Array<() => void> = [];
  const server = net.createServer((socket) => {
    open.add(socket);
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (text += chunk));
    socket.on('close', () => {
      received.push(...text.split('\n').filter(Boolean));
      open.delete(socket);
      if (open.size === 0) for (const resolve of idle.splice(0)) resolve();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  idle = [];

  return {
    port,
    resource: (name, value) => `variable "gantry_run_id" {
  type = string
}

resource "terraform_data" "${name}" {
  triggers_replace = "${value}"

  provisioner "local-exec" {
    interpreter = ["/bin/bash", "-c"]
    command     = "echo \${var.gantry_run_id} > /dev/tcp/127.0.0.1/${port}"
  }
}
`,
    async lines() {
      if (open.size > 0) await new Promise<void>((resolve) => idle.push(resolve));
      return [...received];
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

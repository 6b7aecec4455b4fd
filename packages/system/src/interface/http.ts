/**
 * A notification log over HTTP, on node:http and fetch: `serveNotificationLog(service)` serves
 * `GET /notifications/<first,last>` (a section) and `GET /notifications?start=&limit=` (a list,
 * with `&stop=` and one `&topics=` per topic if asked for);
 * `HttpNotificationLogInterface` calls them, with a timeout and a cap on the response's size.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { messageOf } from "@es/domain";
import type { SelectNotificationsOptions } from "@es/persistence-core";
import { NotificationLogReadError } from "./json-client.js";
import type { NotificationLogInterface } from "./notification-log-interface.js";
import { readQuery, writeQuery } from "./notifications-query.js";

/** A notification log served over HTTP, until closed. */
export interface NotificationLogServer {
  /** The server's base URL, e.g. `http://127.0.0.1:8080`. */
  readonly url: string;
  /** Stops serving, and resolves when the server is closed. */
  close(): Promise<void>;
}

/** Where to serve a notification log. */
export interface ServeOptions {
  /** The address to listen on (default `127.0.0.1`: this machine only). */
  readonly host?: string;
  /** The port (0, the default, picks a free one). */
  readonly port?: number;
}

const SECTION_PATH = /^\/notifications\/(\d+,\d+)$/;

/** Serves the log until `close()`. */
export async function serveNotificationLog(
  log: NotificationLogInterface,
  { host = "127.0.0.1", port = 0 }: ServeOptions = {},
): Promise<NotificationLogServer> {
  const server: Server = createServer((request, response) => {
    const reply = (status: number, body: string, type = "text/plain; charset=utf-8") => {
      response.writeHead(status, { "content-type": type });
      response.end(body);
    };
    if (request.method !== "GET") return reply(405, `Method not allowed: ${request.method}`);
    let url: URL;
    let path: string;
    try {
      url = new URL(request.url ?? "/", "http://localhost");
      path = decodeURIComponent(url.pathname);
    } catch {
      return reply(400, "Malformed request path");
    }
    const answer = (body: Promise<string>) =>
      body.then(
        (json) => reply(200, json, "application/json"),
        // A request's own mistake is explained; anything else is not (it may say too much).
        (error: unknown) =>
          error instanceof TypeError || error instanceof RangeError
            ? reply(400, error.message)
            : reply(500, "Internal server error"),
      );
    const section = SECTION_PATH.exec(path);
    if (section?.[1]) return void answer(log.getLogSection(section[1]));
    if (url.pathname === "/notifications") {
      const query = readQuery(url.searchParams);
      if (typeof query === "string") return reply(400, query);
      const { start, limit, options } = query;
      return void answer(log.getNotifications(start, limit, options));
    }
    reply(404, `Not found: ${url.pathname.slice(0, 200)}`);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://${host.includes(":") ? `[${host}]` : host}:${address.port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

/** Limits of a request to a notification log over HTTP. */
export interface HttpClientOptions {
  /** Milliseconds a request may take (default 10,000). */
  readonly timeoutMs?: number;
  /** Bytes a response may have at most (default 64 MiB). */
  readonly maxBytes?: number;
}

/** Calls a log served by `serveNotificationLog` (or anything serving the same routes). */
export class HttpNotificationLogInterface implements NotificationLogInterface {
  /** The served log's base URL. */
  readonly url: string;
  readonly #timeoutMs: number;
  readonly #maxBytes: number;

  constructor(
    url: string,
    { timeoutMs = 10_000, maxBytes = 64 * 1024 * 1024 }: HttpClientOptions = {},
  ) {
    this.url = url.replace(/\/+$/, "");
    this.#timeoutMs = timeoutMs;
    this.#maxBytes = maxBytes;
  }

  getLogSection(sectionId: string): Promise<string> {
    return this.#get(`/notifications/${encodeURIComponent(sectionId)}`);
  }

  getNotifications(
    start: number,
    limit: number,
    options?: SelectNotificationsOptions,
  ): Promise<string> {
    return this.#get(`/notifications?${writeQuery(start, limit, options)}`);
  }

  async #get(path: string): Promise<string> {
    let response: Response;
    try {
      response = await fetch(`${this.url}${path}`, {
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
    } catch (error) {
      throw new NotificationLogReadError(
        `Can't reach the notification log at ${this.url}: ${messageOf(error)}`,
        { cause: error },
      );
    }
    const body = await this.#read(response);
    if (!response.ok) {
      throw new NotificationLogReadError(
        `The notification log at ${this.url} answered ${response.status} to ${path.slice(0, 200)}: ${body.slice(0, 200)}`,
      );
    }
    return body;
  }

  /** The body as text, refused once it passes the cap (before it is all in memory). */
  async #read(response: Response): Promise<string> {
    const length = Number(response.headers.get("content-length") ?? 0);
    if (length > this.#maxBytes) {
      await response.body?.cancel();
      throw new NotificationLogReadError(
        `The response of ${length} bytes is over the ${this.#maxBytes} allowed`,
      );
    }
    const chunks: Uint8Array[] = [];
    let total = 0;
    for await (const chunk of response.body ?? []) {
      total += (chunk as Uint8Array).byteLength;
      if (total > this.#maxBytes) {
        await response.body?.cancel().catch(() => {});
        throw new NotificationLogReadError(
          `The response is over the ${this.#maxBytes} bytes allowed`,
        );
      }
      chunks.push(chunk as Uint8Array);
    }
    return Buffer.concat(chunks).toString("utf8");
  }
}

// Help texts. `katya --help` and `katya COMMAND --help` print these; bad usage prints the
// command's text after the reason on stderr.
import { CATALOG, CHANNELS } from '../core/common/protocol';

const catalogue = CHANNELS.map((c) => `    ${c.padEnd(10)} ${CATALOG[c].join(', ')}`).join('\n');

export const MAIN_USAGE = `katya: the Katya event API from the command line

Usage:
  katya server [options]          run a Katya server (protocol, demo events, HTTP publish)
  katya tail --url URL... [opts]  follow the live event feed of one server or several,
                                  with the desktop app's engine
  katya doctor --url URL...       check the way to one server or several, step by step
  katya help [COMMAND]            this text, or a command's
  katya --version

Run \`katya COMMAND --help\` for a command's options.

Exit codes: 0 success (and after Ctrl-C or SIGTERM), 1 failure, 2 bad usage,
            3 authentication failed (doctor; tail: for every server), 4 certificate
            not trusted (tail),
            5 the proxy refused: credentials needed or refused, tunnel denied, or a
              SOCKS4 proxy and a server given as an IPv6 address (tail).
`;

export const SERVER_USAGE = `katya server: a reference Katya server on one port

Usage: katya server [options]

Options:
  --host HOST              interface to listen on (default 127.0.0.1)
  --port PORT              port (default 8080; 0 picks a free one)
  --tokens FILE            access tokens, JSON:
                             {"tokens":[{"token":"s3cret","channels":["*"],"admin":true},
                                        {"token":"viewer","channels":["messages","rooms"]}]}
                           "*" means every channel; admin tokens may publish over HTTP.
                           Without --tokens one demo token with every right is generated
                           and printed on stderr.
  --demo-rate N            demo events per second, all 22 types (default 2; 0 turns it off)
  --max-subscriptions N    channels plus event types per connection (default 10)
  --ping-interval MS       server ping interval (default 30000); clients that miss two
                           pings are closed with 1001
  --auth-timeout MS        time to send {"type":"auth"} when no token came with the
                           upgrade (default 10000)
  -h, --help               this text

The first line on stdout is "listening ws://HOST:PORT/v1/ws". Logs go to stderr.
Ctrl-C or SIGTERM closes every client with 1001 and exits with 0.

Endpoints on the same port:
  ws://HOST:PORT/v1/ws     the WebSocket API (token: Authorization: Bearer, ?token=, or an
                           auth message)
  GET  /healthz            {"status":"ok",...}
  POST /v1/events          publish (admin token):
    curl -H "Authorization: Bearer TOKEN" -H "content-type: application/json" \\
      -d '{"event":"security.alert.created","data":{"title":"Port scan","severity":"high"}}' \\
      http://127.0.0.1:8080/v1/events
`;

export const TAIL_USAGE = `katya tail: follow the live events of one Katya server or several

Usage: katya tail --url [NAME=]URL [--url [NAME=]URL ...] [options]

Options:
  --url [NAME=]URL         wss://HOST/v1/ws (ws:// only to this computer: localhost,
                           127.0.0.1, ::1). Repeat it to follow several servers at once.
                           NAME (letters, digits, . _ -) is shown on the server's lines;
                           without it the name is HOST:PORT (katya.example:443). Two
                           servers with the same HOST:PORT must be named.
  --token TOKEN            access token for every server; or set KATYA_TOKEN (safer: not
                           in the process list)
  --token NAME=TOKEN       the token of the server called NAME only (repeat per server); it
                           beats the token for all. The NAME= form counts only when NAME is
                           a server's name: any other value is taken whole as the token for
                           all, "=" and all (base64 padding stays). KATYA_TOKEN is never
                           split. A token is sent to its own server and no other.
  --auth METHOD            how to send the token: header (default), query, message
  --channels a,b           channels to follow (default: all); aliases alerts and metrics
  --events x,y             event types to follow, whatever their channel
  --json                   one JSON object per line on stdout (see below)
  --idle-timeout MS        treat the connection as dead after MS without any frame from
                           the server, and reconnect (default 45000)
  --proxy URL              the proxy to use, for every server (loopback too):
                           http://[USER:PASS@]HOST:PORT, https://..., socks5://...;
                           "none" turns off a proxy from the environment. Without it:
                           HTTPS_PROXY (wss://), HTTP_PROXY (ws://), ALL_PROXY, with
                           NO_PROXY exceptions; loopback servers go direct
  --ca FILE                PEM file of CA certificates to trust as well (like
                           NODE_EXTRA_CA_CERTS, which is honoured too)
  --verbose                connection log on stderr
  -h, --help               this text

Every option applies to every server.

It runs the desktop app's connection engine: reconnects with backoff and never gives up on
network faults, resubscribes after reconnecting, drops duplicate events, and stops on an
authentication failure (exit 3), a server certificate this computer does not trust (exit 4:
which certificate and why, with its subject, issuer, dates and SHA-256 fingerprint), and a
proxy that wants credentials, refuses them, will not tunnel, or is SOCKS4 with a server given
as an IPv6 address (exit 5). A proxy that is down
or cannot reach the server is retried like any network fault.

Several servers: one engine and one notifier per server. A server that stops (token refused,
certificate, proxy) stops alone, on its own lines; the others go on. The command ends when
every server has stopped: with 3 if every one stopped for sign-in, else with the code of the
first server, in --url order, that stopped for something else (4 or 5).

Without --json: one readable line per event on stdout (coloured on a terminal, plain when
piped); connection states, subscription results and server errors go to stderr. With several
servers every line starts with the server's name: "[prod] 12:01:05 security ..." on stdout,
"katya tail: [prod] connected to ..." on stderr. With one server, lines carry no name.

With --json, every line has a "type" and, with one server or several, "server": its name
(the only exception: {"type":"dropped","count"} when the output could not keep up):
  state         {"type":"state","state":"connecting"|"open"|"reconnecting"|"auth_failed"|"closed",
                 "at":ISO, ...}; reconnecting adds "attempt", "delayMs", "error" and, for a
                 proxy or certificate, "problem"; auth_failed "reason"
  event         the server's event envelope as received, after de-duplication, with "server":
                 {"type":"event","id","timestamp","event","channel","data"}
  notification  what the app's default notification policy would pop up:
                 {"type":"notification","kind":"event"|"summary","title","body","eventId",
                  "severity","channel"}; summaries of folded bursts have eventId null
  subscription  {"type":"subscription","kind":"channel"|"event","name",
                 "status":"active"|"rejected", "code" and "message" when rejected}
  error         a protocol error from the server: {"type":"error","code","message",...}
  stopped       with several servers, a server's last line once it stopped for good:
                 {"type":"stopped","exitCode":3|4|5,"server"}

Channels and event types:
${catalogue}

Exit codes: 0 after Ctrl-C or SIGTERM, 2 bad usage, 3 authentication failed,
            4 certificate not trusted, 5 the proxy refused (407, the tunnel denied, or
              SOCKS4 and a server given as an IPv6 address).
            Several servers: 3 only when every server was refused; else the first
            server's 4 or 5, in --url order. Ctrl-C or SIGTERM stops them all: 0.
`;

export const DOCTOR_USAGE = `katya doctor: check the way to a Katya server, one step at a time

Usage: katya doctor --url [NAME=]URL [--url [NAME=]URL ...] [options]

Options:
  --url [NAME=]URL         wss://HOST/v1/ws (ws:// only to this computer). Repeat it to
                           check several servers, one after another, each under a line
                           with its name (NAME, or HOST:PORT), as for tail
  --token TOKEN            access token for every server; or set KATYA_TOKEN
  --token NAME=TOKEN       the token of the server called NAME only, as for tail. Without
                           a token a server's authentication and subscriptions are skipped
  --auth METHOD            header (default), query or message
  --channels a,b           subscriptions to check (default: all channels)
  --events x,y             event types to check as well
  --timeout MS             per step (default 10000)
  --proxy URL              the proxy to use, for every server (loopback too):
                           http://[USER:PASS@]HOST:PORT, https://..., socks5://...;
                           "none" turns off a proxy from the environment. Without it:
                           HTTPS_PROXY (wss://), HTTP_PROXY (ws://), ALL_PROXY, with
                           NO_PROXY exceptions; loopback servers go direct
  --ca FILE                PEM file of CA certificates to trust as well (like
                           NODE_EXTRA_CA_CERTS, which is honoured too)
  -h, --help               this text

Steps: proxy (which one the URL goes through, and who said so), name resolution and TCP
connection (of the proxy when there is one), proxy tunnel (CONNECT), TLS (for wss://) and
the certificate chain as received, WebSocket upgrade, authentication, each subscription,
round-trip time. One line per step: "ok" or "FAIL" with what was found and what to do.

Exit codes: 0 every step ok, 1 a step failed, 2 bad usage, 3 authentication failed.
            Several servers: 1 when a step other than authentication failed on any
            of them, else 3 when a token was refused, else 0.
`;

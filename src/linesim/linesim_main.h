#pragma once
// `madoguchi line-sim ...`: runs the LINE platform stand-in as an HTTP server.
//   --listen ADDR:PORT      default 127.0.0.1:8090
//   --webhook-url URL       where webhooks are POSTed
//   --channel-secret S      signs webhooks (x-line-signature)
//   --access-token T        the only accepted Bearer token (default: any non-empty token)
//   --redelivery            redeliver failed webhooks with isRedelivery=true
//   --state-dir DIR         keep residents and rich menus across restarts
//   --webhook-threads N     parallel webhook senders (default 1, keeps order)
namespace mg::linesim {

int linesim_main(int argc, char** argv);

}  // namespace mg::linesim

// Reference bot for bench/line_webhook: the minimal echo bot from LINE's official Node SDK
// (@line/bot-sdk middleware verifies x-line-signature; express), replying with the same text
// through MessagingApiClient.replyMessage against line-sim (baseURL option).
// usage: PORT=3000 LINE_API_BASE=http://127.0.0.1:8090 CHANNEL_SECRET=demo-secret \
//        CHANNEL_ACCESS_TOKEN=demo-token node echo-bot.mjs      → prints "echo-bot listening on port N"
import express from 'express';
import { messagingApi, middleware } from '@line/bot-sdk';

const channelSecret = process.env.CHANNEL_SECRET ?? 'demo-secret';
const client = new messagingApi.MessagingApiClient({
  channelAccessToken: process.env.CHANNEL_ACCESS_TOKEN ?? 'demo-token',
  baseURL: process.env.LINE_API_BASE ?? 'http://127.0.0.1:8090',
});

function handleEvent(event) {
  if (event.type === 'follow') {
    return client.replyMessage({ replyToken: event.replyToken, messages: [{ type: 'text', text: '友だち追加ありがとうございます' }] });
  }
  if (event.type !== 'message' || event.message.type !== 'text') return Promise.resolve(null);
  return client.replyMessage({ replyToken: event.replyToken, messages: [{ type: 'text', text: event.message.text }] });
}

const app = express();
// As in the SDK's echo sample, except that it acknowledges before replying (LINE's advice:
// answer the webhook quickly, process asynchronously), like madoguchi does.
app.post('/webhook', middleware({ channelSecret }), (req, res) => {
  res.status(200).end();
  for (const e of req.body.events) handleEvent(e).catch((err) => { errors++; if (errors < 5) console.error(err.message); });
});
let errors = 0;
app.get('/healthz', (_req, res) => res.json({ ok: true, errors }));
const server = app.listen(Number(process.env.PORT ?? 3000), '127.0.0.1', () => {
  console.log(`echo-bot listening on port ${server.address().port}`);
});

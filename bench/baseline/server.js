// The seed's stack, minimal: Socket.IO 4.8 with the Redis adapter. Same semantics as the chat hub
// for the benchmark: join a room, send with an ack, broadcast to every member (sender included).
// Direct messages go to a per-user room that every socket joins on connect.
'use strict';
const http = require('http');
const { Server } = require('socket.io');
const { createAdapter } = require('@socket.io/redis-adapter');
const { createClient } = require('redis');

const port = Number(process.env.PORT || 4401);
const redisUrl = process.env.REDIS_URL || 'redis://127.0.0.1:4490';

async function main() {
  const pub = createClient({ url: redisUrl });
  const sub = pub.duplicate();
  await Promise.all([pub.connect(), sub.connect()]);

  const server = http.createServer((req, res) => {
    res.writeHead(req.url === '/health' ? 200 : 404);
    res.end();
  });
  const io = new Server(server, { transports: ['websocket'], adapter: createAdapter(pub, sub) });

  io.on('connection', (socket) => {
    const user = String(socket.handshake.query.user || socket.id);
    socket.join('user:' + user);
    socket.on('join', (room, ack) => {
      socket.join(room);
      if (typeof ack === 'function') ack({ room });
    });
    socket.on('send', (msg, ack) => {
      const out = { room: msg.room, from: user, text: msg.text, sentAt: Date.now() };
      io.to(msg.room).emit('message', out);
      if (typeof ack === 'function') ack({ ok: true });
    });
    socket.on('dm', (msg, ack) => {
      const out = { room: 'dm', from: user, text: msg.text, sentAt: Date.now() };
      io.to('user:' + msg.to).to('user:' + user).emit('message', out);
      if (typeof ack === 'function') ack({ ok: true });
    });
  });

  server.listen(port, '127.0.0.1', () => console.log(`baseline listening on ${port}`));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

// A receiver built around the verification snippet of the integrations guide
// (integrations-guide.pt-BR.md, "Segurança de Integrações → Validação de Webhooks"), copied verbatim
// between the two markers below. Express is not installed offline, so Node's own https server
// stands in for it: the body is parsed with JSON.parse, as express.json() does for req.body.
// Environment: WEBHOOK_SECRET (the secret shown when the webhook was created), TLS_KEY / TLS_CERT.
// Prints {"port": N} when listening, then one JSON line per request; answers 200 when verified, 401 if not.

// ---- begin: guide snippet (unmodified) ----
// Exemplo em Node.js
const crypto = require('crypto');

function verifyWebhook(payload, signature, secret) {
  const hmac = crypto.createHmac('sha256', secret);
  hmac.update(JSON.stringify(payload));
  const expectedSignature = `sha256=${hmac.digest('hex')}`;
  
  return crypto.timingSafeEqual(
    Buffer.from(signature),
    Buffer.from(expectedSignature)
  );
}
// ---- end: guide snippet ----

const fs = require('fs');
const https = require('https');

const secret = process.env.WEBHOOK_SECRET;
const server = https.createServer(
  { key: fs.readFileSync(process.env.TLS_KEY), cert: fs.readFileSync(process.env.TLS_CERT) },
  (req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      let verified = false;
      let payload = null;
      try {
        payload = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        // timingSafeEqual throws when the lengths differ: that is a failed verification too.
        verified = verifyWebhook(payload, req.headers['x-ortho-signature'] || '', secret);
      } catch (e) {
        verified = false;
      }
      console.log(JSON.stringify({ verified, event: payload && payload.event, data: payload && payload.data }));
      res.writeHead(verified ? 200 : 401, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ verified }));
    });
  }
);
server.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ port: server.address().port })));

// Signs each delivery with the official stripe-node helper and posts it to Sluice's webhook endpoint.
// Usage: node webhooks.mjs URL DELIVERIES.json — each delivery is {payload, secret, timestamp}.
// Prints one JSON array: each answer's {status, body}, in order.
import { readFileSync } from 'node:fs';
import Stripe from 'stripe';

const [url, file] = process.argv.slice(2);
const stripe = new Stripe('sk_test_unused_by_this_script');
const deliveries = JSON.parse(readFileSync(file, 'utf8'));
const answers = [];
for (const d of deliveries) {
  const header = stripe.webhooks.generateTestHeaderString({
    payload: d.payload,
    secret: d.secret,
    timestamp: d.timestamp,
  });
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'Stripe-Signature': header },
    body: d.payload,
  });
  answers.push({ status: res.status, body: await res.json() });
}
console.log(JSON.stringify(answers));

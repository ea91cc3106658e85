// The seed's load scenario for paintbox-edge, for users who run k6 (https://k6.io); it is not needed by bench/run.sh.
//
// Workload: ramp to 100 virtual users over 30 s, hold 100 for 1 min, ramp down over 30 s. Each iteration fetches
// the JWKS (as a verifier would, gzip accepted) and the edge's health endpoint, then pauses 100 ms.
// Pass/fail: p95 of request duration under 100 ms, and every response a 200 (checks rate 100 %).
//
//   k6 run bench/k6/load-test.js                                   # against http://localhost:8080
//   BASE_URL=https://edge.example k6 run bench/k6/load-test.js     # or: k6 run -e BASE_URL=... bench/k6/load-test.js
import http from 'k6/http';
import { check, sleep } from 'k6';

const BASE_URL = (__ENV.BASE_URL || 'http://localhost:8080').replace(/\/+$/, '');

export const options = {
  stages: [
    { duration: '30s', target: 100 },
    { duration: '1m', target: 100 },
    { duration: '30s', target: 0 },
  ],
  thresholds: {
    http_req_duration: ['p(95)<100'],
    checks: ['rate==1.0'],
  },
};

export default function () {
  const jwks = http.get(`${BASE_URL}/.well-known/jwks.json`, {
    headers: { 'Accept-Encoding': 'gzip' },
    tags: { endpoint: 'jwks' },
  });
  check(jwks, {
    'jwks status is 200': (r) => r.status === 200,
    'jwks has keys': (r) => r.status === 200 && Array.isArray(r.json('keys')) && r.json('keys').length > 0,
  });

  const health = http.get(`${BASE_URL}/_edge/health`, { tags: { endpoint: 'health' } });
  check(health, { 'health status is 200': (r) => r.status === 200 });

  sleep(0.1);
}

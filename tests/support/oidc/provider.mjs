// A real OpenID provider for Attune's tests: npm's `oidc-provider` (a certified
// implementation) on a free loopback port, with one confidential client and the accounts in
// a JSON file (read at every sign-in, so a test can change someone's claims between two).
//
//   node provider.mjs <redirect_uri> <post_logout_redirect_uri> <accounts.json>
//
// Prints the issuer URL on its first line of stdout. Its development login form accepts any
// password: the login typed is the account id (the `sub`).
import http from 'node:http';
import { readFileSync } from 'node:fs';
import Provider from 'oidc-provider';

const [redirectUri, postLogoutRedirectUri, accountsFile] = process.argv.slice(2);
if (!redirectUri || !postLogoutRedirectUri || !accountsFile) {
  console.error('usage: node provider.mjs <redirect_uri> <post_logout_redirect_uri> <accounts.json>');
  process.exit(2);
}

let handler = (req, res) => { res.statusCode = 503; res.end(); };
const server = http.createServer((req, res) => handler(req, res));

server.listen(0, '127.0.0.1', () => {
  const issuer = `http://127.0.0.1:${server.address().port}`;
  const provider = new Provider(issuer, {
    clients: [{
      client_id: 'attune',
      client_secret: 'attune-test-secret',
      redirect_uris: [redirectUri],
      post_logout_redirect_uris: [postLogoutRedirectUri],
      response_types: ['code'],
      grant_types: ['authorization_code'],
      token_endpoint_auth_method: 'client_secret_basic',
    }],
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: ['name', 'zoneinfo', 'department', 'office'],
    },
    async findAccount(ctx, id) {
      const accounts = JSON.parse(readFileSync(accountsFile, 'utf8'));
      const account = accounts[id];
      if (!account) return undefined;
      return { accountId: id, claims: async () => ({ sub: id, ...account }) };
    },
    cookies: { keys: ['attune-test-provider-only'] },
    features: {
      devInteractions: { enabled: true },
      rpInitiatedLogout: { enabled: true },
    },
  });
  provider.on('server_error', (ctx, err) => console.error('provider error', err));
  handler = provider.callback();
  console.log(issuer);
});

process.on('SIGTERM', () => server.close(() => process.exit(0)));

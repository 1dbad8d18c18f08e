// A local OpenID Connect provider for the login end-to-end tests
// (tests/e2e/test_login.py), run with Debian's node:
//   node provider.mjs PORT REDIRECT_URI ACCOUNTS_JSON
// The npm package oidc-provider (pinned in package.json / package-lock.json)
// is a certified OpenID Provider. Its development login form takes any login
// name: the name is the account's stable subject (`sub`), and the account's
// email is read from ACCOUNTS_JSON ({"<sub>": {"email": "..."}}) at every
// login, so a test can change a user's email between two logins.
import { readFileSync } from 'node:fs';

import Provider from 'oidc-provider';

const [port, redirectUri, accountsFile] = process.argv.slice(2);
if (!port || !redirectUri || !accountsFile) {
  console.error('usage: node provider.mjs PORT REDIRECT_URI ACCOUNTS_JSON');
  process.exit(2);
}

const issuer = `http://127.0.0.1:${port}`;
const appOrigin = new URL(redirectUri).origin;

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: 'dashboard',
      client_secret: 'e2e-client-secret-not-for-production',
      redirect_uris: [redirectUri],
      post_logout_redirect_uris: [appOrigin, `${appOrigin}/`, redirectUri],
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
    },
  ],
  claims: { openid: ['sub'], email: ['email', 'email_verified'] },
  // Streamlit reads the user from the ID token: put the scope's claims there.
  conformIdTokenClaims: false,
  features: { devInteractions: { enabled: true } },
  cookies: { keys: ['e2e-cookie-key-not-for-production'] },
  async findAccount(_ctx, id) {
    const accounts = JSON.parse(readFileSync(accountsFile, 'utf8'));
    const account = accounts[id];
    if (!account) {
      return undefined;
    }
    return {
      accountId: id,
      async claims() {
        return { sub: id, email: account.email, email_verified: true };
      },
    };
  },
});
provider.proxy = false;

provider.listen(Number(port), '127.0.0.1', () => {
  console.log(`oidc-provider listening on ${issuer}`);
});

// Raw HTTP checks of the Cognito JSON protocol, as the clients without an AWS SDK send it
// (Amplify JS, amazon-cognito-identity-js): unsigned POST / with X-Amz-Target.

import { CLIENT_ID, check, eq, isNonEmptyString, outboxWatch, show, uniquePhone } from '../lib/cognito.mjs';

async function call(env, op, body, extraHeaders = {}) {
  const res = await fetch(`${env.apiUrl}/`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': `AWSCognitoIdentityProviderService.${op}`,
      'x-amz-user-agent': 'aws-amplify/6.15.0 auth/1 framework/0',
      'cache-control': 'no-store',
      'amz-sdk-invocation-id': crypto.randomUUID(),
      'amz-sdk-request': 'attempt=1; max=3',
      ...extraHeaders,
    },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(15_000),
  });
  const text = await res.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

export function registerWireTests(test, env) {
  test('wire: an error is HTTP 400 with a JSON body {__type, message}', async () => {
    const r = await call(env, 'InitiateAuth', {
      ClientId: 'nosuchclient0000000000000',
      AuthFlow: 'CUSTOM_AUTH',
      AuthParameters: { USERNAME: uniquePhone() },
    });
    eq(r.status, 400, 'HTTP status');
    check(r.json && typeof r.json === 'object', `error body is not JSON: ${show(r.text.slice(0, 120))}`);
    eq(r.json.__type, 'ResourceNotFoundException', 'body __type');
    check(isNonEmptyString(r.json.message), `body "message" missing: ${show(r.json)}`);
    check(
      (r.headers.get('content-type') ?? '').startsWith('application/x-amz-json-1.1'),
      `Content-Type is ${show(r.headers.get('content-type'))}, expected application/x-amz-json-1.1`,
    );
  });

  test('wire: unsigned Amplify-style SignUp without Password succeeds with a JSON 200', async () => {
    const phone = uniquePhone();
    const watch = await outboxWatch(env, phone, 'SMS');
    const r = await call(env, 'SignUp', {
      ClientId: CLIENT_ID,
      Username: phone,
      UserAttributes: [{ Name: 'phone_number', Value: phone }],
    });
    eq(r.status, 200, `HTTP status (body ${show(r.json ?? r.text.slice(0, 120))})`);
    check(
      (r.headers.get('content-type') ?? '').startsWith('application/x-amz-json-1.1'),
      `Content-Type is ${show(r.headers.get('content-type'))}, expected application/x-amz-json-1.1`,
    );
    eq(r.json?.UserConfirmed, false, 'UserConfirmed');
    check(isNonEmptyString(r.json?.UserSub), 'UserSub missing');
    await watch.next('unsigned SignUp');
  });
}

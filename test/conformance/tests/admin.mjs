// Administration through the AWS SDK for JavaScript v3 with admin credentials: every request is signed with
// SigV4 by the SDK itself, and Sesame verifies it. Pools, clients and users created here live in the
// server's database beside the configured development pool.

import { createHmac } from 'node:crypto';
import {
  AdminCreateUserCommand,
  AdminGetUserCommand,
  AdminInitiateAuthCommand,
  AdminRespondToAuthChallengeCommand,
  CognitoIdentityProviderClient,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  DescribeUserPoolClientCommand,
  DeleteUserPoolClientCommand,
  DeleteUserPoolCommand,
  DescribeUserPoolCommand,
  GetUserCommand,
  InitiateAuthCommand,
  ListUserPoolClientsCommand,
  ListUserPoolsCommand,
  ListUsersCommand,
  RespondToAuthChallengeCommand,
  SignUpCommand,
  UpdateUserPoolClientCommand,
  UpdateUserPoolCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import * as jose from 'jose';
import {
  POOL_ID,
  REGION,
  attrMap,
  check,
  eq,
  expectError,
  isNonEmptyString,
  outboxWatch,
  show,
  uniqueEmail,
  uniquePhone,
} from '../lib/cognito.mjs';

// Admin clients talk to Sesame directly: the recording proxy rewrites Host, which SigV4 signs.
function adminClient(env, credentials = { accessKeyId: 'sesame-dev', secretAccessKey: 'sesame-dev-secret' }, region = REGION) {
  return new CognitoIdentityProviderClient({ region, endpoint: env.serverUrl, credentials, maxAttempts: 1 });
}

const secretHash = (secret, username, clientId) => createHmac('sha256', secret).update(username + clientId).digest('base64');

export function registerAdminTests(test, env) {
  // One pool and client for the scenarios that build on them, made by the first scenario.
  const state = {};

  test('admin: CreateUserPool, CreateUserPoolClient with a secret, Describe both, ListUserPools', async () => {
    const admin = adminClient(env, undefined, 'eu-west-1');
    const created = await admin.send(new CreateUserPoolCommand({
      PoolName: 'conformance pool',
      UsernameAttributes: ['phone_number', 'email'],
      Policies: { PasswordPolicy: { MinimumLength: 8 } },
    }));
    const pool = created.UserPool;
    check(/^eu-west-1_[0-9A-Za-z]{9}$/.test(pool.Id), `pool id not in Cognito's <region>_<9 alphanumerics> form: ${show(pool.Id)}`);
    eq(pool.Name, 'conformance pool', 'UserPool.Name');
    check(pool.CreationDate instanceof Date && !Number.isNaN(pool.CreationDate.getTime()), `CreationDate is not a date: ${show(pool.CreationDate)}`);
    check(Math.abs(pool.CreationDate.getTime() - Date.now()) < 60_000, `CreationDate is not now: ${pool.CreationDate.toISOString()}`);

    const client = (await admin.send(new CreateUserPoolClientCommand({
      UserPoolId: pool.Id,
      ClientName: 'backend',
      GenerateSecret: true,
      ExplicitAuthFlows: ['ALLOW_CUSTOM_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
    }))).UserPoolClient;
    check(/^[a-z0-9]{26}$/.test(client.ClientId), `client id not 26 lower-case alphanumerics: ${show(client.ClientId)}`);
    check(isNonEmptyString(client.ClientSecret), 'ClientSecret missing although GenerateSecret was true');
    eq(client.UserPoolId, pool.Id, 'UserPoolClient.UserPoolId');

    const described = (await admin.send(new DescribeUserPoolCommand({ UserPoolId: pool.Id }))).UserPool;
    eq(described.Id, pool.Id, 'DescribeUserPool Id');
    eq(described.UsernameAttributes.join(','), 'phone_number,email', 'DescribeUserPool UsernameAttributes');
    const describedClient = (await admin.send(new DescribeUserPoolClientCommand({ UserPoolId: pool.Id, ClientId: client.ClientId }))).UserPoolClient;
    eq(describedClient.ClientSecret, client.ClientSecret, 'DescribeUserPoolClient ClientSecret');
    eq(describedClient.ExplicitAuthFlows.join(','), 'ALLOW_CUSTOM_AUTH,ALLOW_REFRESH_TOKEN_AUTH', 'DescribeUserPoolClient ExplicitAuthFlows');

    const ids = [];
    let NextToken;
    for (let page = 0; page < 20; page++) {
      const res = await admin.send(new ListUserPoolsCommand({ MaxResults: 1, NextToken }));
      ids.push(...res.UserPools.map((p) => p.Id));
      NextToken = res.NextToken;
      if (!NextToken) break;
    }
    check(ids.includes(POOL_ID) && ids.includes(pool.Id), `ListUserPools pages miss a pool: ${show(ids)}`);
    eq(new Set(ids).size, ids.length, 'ListUserPools lists each pool once');
    Object.assign(state, { poolId: pool.Id, clientId: client.ClientId, clientSecret: client.ClientSecret });
  });

  test('admin: AdminCreateUser (passwordless, SUPPRESS), AdminGetUser, then CUSTOM_AUTH sign-in with SECRET_HASH', async () => {
    check(state.poolId, 'the pool scenario did not run');
    const admin = adminClient(env);
    const phone = uniquePhone();
    const { User } = await admin.send(new AdminCreateUserCommand({
      UserPoolId: state.poolId,
      Username: phone,
      MessageAction: 'SUPPRESS',
      UserAttributes: [{ Name: 'phone_number_verified', Value: 'true' }, { Name: 'given_name', Value: 'Ada' }],
    }));
    eq(User.UserStatus, 'CONFIRMED', 'AdminCreateUser UserStatus of a passwordless user');
    eq(attrMap(User.Attributes).phone_number, phone, 'AdminCreateUser phone_number');
    eq(attrMap(User.Attributes).phone_number_verified, 'true', 'AdminCreateUser phone_number_verified');
    check(User.UserCreateDate instanceof Date, `UserCreateDate is not a date: ${show(User.UserCreateDate)}`);

    const got = await admin.send(new AdminGetUserCommand({ UserPoolId: state.poolId, Username: phone }));
    eq(got.Username, User.Username, 'AdminGetUser by phone alias: Username');
    eq(got.Enabled, true, 'AdminGetUser Enabled');

    // A public client call to an app client with a secret: without SECRET_HASH it is refused.
    const pub = adminClient(env);
    await expectError(pub.send(new InitiateAuthCommand({
      ClientId: state.clientId, AuthFlow: 'CUSTOM_AUTH', AuthParameters: { USERNAME: phone },
    })), 'NotAuthorizedException', 'InitiateAuth without SECRET_HASH');

    const watch = await outboxWatch(env, phone, 'SMS');
    const start = await pub.send(new InitiateAuthCommand({
      ClientId: state.clientId,
      AuthFlow: 'CUSTOM_AUTH',
      AuthParameters: { USERNAME: phone, SECRET_HASH: secretHash(state.clientSecret, phone, state.clientId) },
    }));
    eq(start.ChallengeName, 'CUSTOM_CHALLENGE', 'InitiateAuth ChallengeName');
    const msg = await watch.next('InitiateAuth');
    const username = start.ChallengeParameters.USERNAME;
    const done = await pub.send(new RespondToAuthChallengeCommand({
      ClientId: state.clientId,
      ChallengeName: 'CUSTOM_CHALLENGE',
      Session: start.Session,
      ChallengeResponses: { USERNAME: username, ANSWER: msg.code, SECRET_HASH: secretHash(state.clientSecret, username, state.clientId) },
    }));
    const ar = done.AuthenticationResult;
    check(ar && isNonEmptyString(ar.IdToken), `no tokens: ${show(done)}`);
    const jwks = jose.createRemoteJWKSet(new URL(`${env.serverUrl}/${state.poolId}/.well-known/jwks.json`), { timeoutDuration: 5000 });
    const { payload } = await jose.jwtVerify(ar.IdToken, jwks, { issuer: `${env.serverUrl}/${state.poolId}`, audience: state.clientId });
    eq(payload.given_name, 'Ada', 'ID token given_name');
  });

  test('admin: AdminInitiateAuth / AdminRespondToAuthChallenge sign in an admin-created email user', async () => {
    const admin = adminClient(env);
    const email = uniqueEmail();
    await admin.send(new AdminCreateUserCommand({ UserPoolId: POOL_ID, Username: email, MessageAction: 'SUPPRESS' }));
    const { UserPoolClient } = await admin.send(new CreateUserPoolClientCommand({ UserPoolId: POOL_ID, ClientName: 'server side' }));

    const watch = await outboxWatch(env, email, 'EMAIL');
    const start = await admin.send(new AdminInitiateAuthCommand({
      UserPoolId: POOL_ID, ClientId: UserPoolClient.ClientId, AuthFlow: 'CUSTOM_AUTH', AuthParameters: { USERNAME: email },
    }));
    eq(start.ChallengeName, 'CUSTOM_CHALLENGE', 'AdminInitiateAuth ChallengeName');
    eq(start.ChallengeParameters.CODE_DELIVERY_DELIVERY_MEDIUM, 'EMAIL', 'AdminInitiateAuth delivery medium');
    const msg = await watch.next('AdminInitiateAuth');
    const done = await admin.send(new AdminRespondToAuthChallengeCommand({
      UserPoolId: POOL_ID,
      ClientId: UserPoolClient.ClientId,
      ChallengeName: 'CUSTOM_CHALLENGE',
      Session: start.Session,
      ChallengeResponses: { USERNAME: email, ANSWER: msg.code },
    }));
    check(done.AuthenticationResult?.AccessToken, `no tokens: ${show(done)}`);
    const me = await admin.send(new GetUserCommand({ AccessToken: done.AuthenticationResult.AccessToken }));
    eq(attrMap(me.UserAttributes).email, email, 'GetUser email');
  });

  test('admin: ListUsers with Filter (=, ^=, quoted names, escaped quotes, status) and pages', async () => {
    const admin = adminClient(env);
    const { UserPool } = await admin.send(new CreateUserPoolCommand({ PoolName: 'listing' }));
    const names = ['ann', 'anna', 'bob', 'carl', 'dora'];
    for (const name of names) {
      await admin.send(new AdminCreateUserCommand({
        UserPoolId: UserPool.Id,
        Username: name,
        MessageAction: 'SUPPRESS',
        UserAttributes: [{ Name: 'email', Value: `${name}@example.com` }, { Name: 'name', Value: name === 'bob' ? 'Bob "the builder"' : name }],
      }));
    }
    const list = async (Filter) =>
      (await admin.send(new ListUsersCommand({ UserPoolId: UserPool.Id, Filter }))).Users.map((u) => u.Username).join(',');
    eq(await list('username = "bob"'), 'bob', 'username =');
    eq(await list('"username"^="ann"'), 'ann,anna', 'quoted name ^=');
    eq(await list('email ^= "d"'), 'dora', 'email ^=');
    eq(await list('name = "Bob \\"the builder\\""'), 'bob', 'escaped quotes');
    eq(await list('cognito:user_status = "CONFIRMED"'), names.join(','), 'cognito:user_status');
    eq(await list('status = "Enabled"'), names.join(','), 'status');
    await expectError(admin.send(new ListUsersCommand({ UserPoolId: UserPool.Id, Filter: 'custom:x = "1"' })),
      'InvalidParameterException', 'a custom attribute in Filter');
    await expectError(admin.send(new ListUsersCommand({ UserPoolId: UserPool.Id, Limit: 61 })), 'InvalidParameterException', 'Limit 61');

    const seen = [];
    let PaginationToken;
    let pages = 0;
    do {
      const res = await admin.send(new ListUsersCommand({ UserPoolId: UserPool.Id, Limit: 2, PaginationToken }));
      check(res.Users.length <= 2, `page larger than Limit: ${res.Users.length}`);
      seen.push(...res.Users.map((u) => u.Username));
      check(res.Users.every((u) => u.UserCreateDate instanceof Date), 'UserCreateDate is not parsed as a date');
      PaginationToken = res.PaginationToken;
      pages++;
    } while (PaginationToken && pages < 10);
    eq(pages, 3, 'pages of 2 for 5 users');
    eq(seen.join(','), names.join(','), 'every user once, in username order');
  });

  test('admin: a client whose credentials do not match is refused (UnrecognizedClientException, InvalidSignatureException)', async () => {
    const stranger = adminClient(env, { accessKeyId: 'AKIDNOTCONFIGURED', secretAccessKey: 'whatever' });
    await expectError(stranger.send(new ListUsersCommand({ UserPoolId: POOL_ID })), 'UnrecognizedClientException', 'unknown access key');
    const wrongSecret = adminClient(env, { accessKeyId: 'sesame-dev', secretAccessKey: 'not-the-secret' });
    await expectError(wrongSecret.send(new AdminCreateUserCommand({ UserPoolId: POOL_ID, Username: uniquePhone() })),
      'InvalidSignatureException', 'wrong secret');
    await expectError(wrongSecret.send(new CreateUserPoolCommand({ PoolName: 'never' })), 'InvalidSignatureException', 'wrong secret');
  });

  test('admin: a raw fetch with no Authorization header is refused with MissingAuthenticationTokenException', async () => {
    const res = await fetch(env.serverUrl + '/', {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSCognitoIdentityProviderService.AdminGetUser' },
      body: JSON.stringify({ UserPoolId: POOL_ID, Username: uniquePhone() }),
      signal: AbortSignal.timeout(5000),
    });
    const body = await res.json();
    eq(res.status, 400, 'HTTP status');
    eq(body.__type, 'MissingAuthenticationTokenException', '__type');
    eq(res.headers.get('x-amzn-errortype'), 'MissingAuthenticationTokenException:', 'x-amzn-ErrorType');
  });

  test('admin: CreateUserPool is strict by default (SignUp of a taken number answers like a new one); UserPoolTags sesame:EnumerationMode=Cognito gives UsernameExistsException', async () => {
    const admin = adminClient(env);
    const poolWith = async (UserPoolTags) => {
      const { UserPool } = await admin.send(new CreateUserPoolCommand({ PoolName: 'enumeration', UsernameAttributes: ['phone_number'], UserPoolTags }));
      const { UserPoolClient } = await admin.send(new CreateUserPoolClientCommand({ UserPoolId: UserPool.Id, ClientName: 'app' }));
      const described = (await admin.send(new DescribeUserPoolCommand({ UserPoolId: UserPool.Id }))).UserPool;
      // A taken number, made by an administrator with nothing sent: the number's send spacing is still free.
      const phone = uniquePhone();
      await admin.send(new AdminCreateUserCommand({
        UserPoolId: UserPool.Id, Username: phone, MessageAction: 'SUPPRESS',
        UserAttributes: [{ Name: 'phone_number', Value: phone }, { Name: 'phone_number_verified', Value: 'true' }],
      }));
      return { mode: described.UserPoolTags?.['sesame:EnumerationMode'], clientId: UserPoolClient.ClientId, phone };
    };

    const strict = await poolWith(undefined);
    eq(strict.mode, 'Strict', 'DescribeUserPool UserPoolTags sesame:EnumerationMode of a pool created without it');
    const taken = await env.sdk.send(new SignUpCommand({ ClientId: strict.clientId, Username: strict.phone }));
    const fresh = await env.sdk.send(new SignUpCommand({ ClientId: strict.clientId, Username: uniquePhone() }));
    eq(taken.UserConfirmed, false, 'SignUp of a taken number: UserConfirmed');
    eq(taken.CodeDeliveryDetails?.DeliveryMedium, fresh.CodeDeliveryDetails?.DeliveryMedium, 'SignUp of a taken number: CodeDeliveryDetails like a new sign-up');
    eq(Object.keys(taken).sort().join(','), Object.keys(fresh).sort().join(','), 'SignUp of a taken number: the members of a new sign-up');

    const cognito = await poolWith({ 'sesame:EnumerationMode': 'Cognito', team: 'web' });
    eq(cognito.mode, 'Cognito', 'DescribeUserPool UserPoolTags sesame:EnumerationMode');
    await expectError(env.sdk.send(new SignUpCommand({ ClientId: cognito.clientId, Username: cognito.phone })), 'UsernameExistsException',
      'SignUp of a taken number in a pool tagged Cognito');
  });

  test('admin: UpdateUserPoolClient, ListUserPoolClients (paged), DeleteUserPoolClient, UpdateUserPool, DeleteUserPool', async () => {
    const admin = adminClient(env);
    const { UserPool } = await admin.send(new CreateUserPoolCommand({ PoolName: 'short-lived', UsernameAttributes: ['email'] }));
    const ids = [];
    for (const ClientName of ['one', 'two', 'three']) {
      ids.push((await admin.send(new CreateUserPoolClientCommand({ UserPoolId: UserPool.Id, ClientName, GenerateSecret: ClientName === 'one' }))).UserPoolClient.ClientId);
    }
    const before = (await admin.send(new DescribeUserPoolClientCommand({ UserPoolId: UserPool.Id, ClientId: ids[0] }))).UserPoolClient;
    const updated = (await admin.send(new UpdateUserPoolClientCommand({
      UserPoolId: UserPool.Id, ClientId: ids[0], ClientName: 'renamed', ExplicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
    }))).UserPoolClient;
    eq(updated.ClientName, 'renamed', 'UpdateUserPoolClient ClientName');
    eq(updated.ClientSecret, before.ClientSecret, 'UpdateUserPoolClient keeps the secret');
    check(updated.LastModifiedDate instanceof Date, 'UpdateUserPoolClient LastModifiedDate is a date');

    const listed = [];
    let NextToken;
    for (let page = 0; page < 10; page++) {
      const res = await admin.send(new ListUserPoolClientsCommand({ UserPoolId: UserPool.Id, MaxResults: 2, NextToken }));
      listed.push(...res.UserPoolClients.map((c) => `${c.ClientId}:${c.ClientName}`));
      NextToken = res.NextToken;
      if (!NextToken) break;
    }
    eq(listed.join(','), [`${ids[0]}:renamed`, `${ids[1]}:two`, `${ids[2]}:three`].join(','), 'ListUserPoolClients pages');
    await admin.send(new DeleteUserPoolClientCommand({ UserPoolId: UserPool.Id, ClientId: ids[1] }));
    await expectError(admin.send(new DescribeUserPoolClientCommand({ UserPoolId: UserPool.Id, ClientId: ids[1] })), 'ResourceNotFoundException', 'deleted client');

    await admin.send(new UpdateUserPoolCommand({ UserPoolId: UserPool.Id, Policies: { PasswordPolicy: { MinimumLength: 14 } } }));
    eq((await admin.send(new DescribeUserPoolCommand({ UserPoolId: UserPool.Id }))).UserPool.Policies.PasswordPolicy.MinimumLength, 14, 'MinimumLength after UpdateUserPool');
    await expectError(admin.send(new UpdateUserPoolCommand({ UserPoolId: POOL_ID })), 'InvalidParameterException', 'UpdateUserPool of the configured pool');
    await admin.send(new DeleteUserPoolCommand({ UserPoolId: UserPool.Id }));
    await expectError(admin.send(new DescribeUserPoolCommand({ UserPoolId: UserPool.Id })), 'ResourceNotFoundException', 'DescribeUserPool after DeleteUserPool');
  });
}

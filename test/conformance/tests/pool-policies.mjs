// Pool rules Cognito enforces beyond the happy path, through the AWS SDK v3 and amazon-cognito-identity-js, in pools
// created here with CreateUserPool: alias conflicts in a pool with AliasAttributes (AliasExistsException,
// ForceAliasCreation), preferred_username as an alias, schema-required attributes that cannot be deleted, the full PasswordPolicy.
//
// Admin calls talk to Sesame directly (SigV4 signs the Host the recording proxy would rewrite).

import {
  AdminCreateUserCommand,
  AdminDeleteUserAttributesCommand,
  AdminSetUserPasswordCommand,
  AdminGetUserCommand,
  ChangePasswordCommand,
  CognitoIdentityProviderClient,
  ConfirmForgotPasswordCommand,
  ConfirmSignUpCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  DescribeUserPoolCommand,
  ForgotPasswordCommand,
  SignUpCommand,
  UpdateUserAttributesCommand,
  InitiateAuthCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import cognito from 'amazon-cognito-identity-js';
import { TestStorage } from '../lib/test-storage.mjs';
import { REGION, attrMap, check, eq, expectError, outboxWatch, uniqueEmail } from '../lib/cognito.mjs';

const { CognitoUser, CognitoUserPool } = cognito;

function adminClient(env) {
  return new CognitoIdentityProviderClient({
    region: REGION, endpoint: env.serverUrl, credentials: { accessKeyId: 'sesame-dev', secretAccessKey: 'sesame-dev-secret' }, maxAttempts: 1,
  });
}

/** A pool made through CreateUserPool with `settings`, and one public client of it. */
export async function poolWith(env, settings, clientSettings = {}) {
  const admin = adminClient(env);
  const { UserPool } = await admin.send(new CreateUserPoolCommand({ PoolName: 'policies', ...settings }));
  const { UserPoolClient } = await admin.send(new CreateUserPoolClientCommand({ UserPoolId: UserPool.Id, ClientName: 'app', ...clientSettings }));
  return { admin, poolId: UserPool.Id, clientId: UserPoolClient.ClientId };
}

export function registerPoolPolicyTests(test, env) {
  test('policies: alias pool — ConfirmSignUp of an email another user holds is AliasExistsException; identity-js confirmRegistration(code, true) moves the alias', async () => {
    const { admin, poolId, clientId } = await poolWith(env, { AliasAttributes: ['email'], AutoVerifiedAttributes: ['email'] });
    const email = uniqueEmail();
    const signUp = async (Username) => {
      const watch = await outboxWatch(env, email, 'EMAIL');
      await env.sdk.send(new SignUpCommand({ ClientId: clientId, Username, UserAttributes: [{ Name: 'email', Value: email }] }));
      return (await watch.next(`SignUp of ${Username}`)).code;
    };
    // The holder is made verified by an administrator: one code per destination a minute is the send limit.
    const holder = `holder${Date.now()}`;
    await admin.send(new AdminCreateUserCommand({
      UserPoolId: poolId, Username: holder, MessageAction: 'SUPPRESS',
      UserAttributes: [{ Name: 'email', Value: email }, { Name: 'email_verified', Value: 'true' }],
    }));

    // Cognito lets the second sign-up through and refuses at confirmation.
    const newcomer = `newcomer${Date.now()}`;
    const code = await signUp(newcomer);
    const refused = await expectError(
      env.sdk.send(new ConfirmSignUpCommand({ ClientId: clientId, Username: newcomer, ConfirmationCode: code })),
      'AliasExistsException', 'ConfirmSignUp without ForceAliasCreation');
    eq(refused.message, 'An account with the given email already exists.', 'AliasExistsException message');

    // The right code stays usable: the app asks the user, then confirms again with forceAliasCreation.
    const pool = new CognitoUserPool({ UserPoolId: poolId, ClientId: clientId, endpoint: `${env.apiUrl}/`, Storage: new TestStorage() });
    const user = new CognitoUser({ Username: newcomer, Pool: pool, Storage: new TestStorage() });
    const confirmed = await new Promise((resolve, reject) =>
      user.confirmRegistration(code, true, (err, result) => (err ? reject(err) : resolve(result))));
    eq(confirmed, 'SUCCESS', 'confirmRegistration(code, forceAliasCreation: true)');

    const old = attrMap((await admin.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: holder }))).UserAttributes);
    eq(old.email, email, 'the old holder keeps the email');
    eq(old.email_verified, 'false', 'the old holder\'s email is unverified');
    const now = await admin.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: email }));
    eq(now.Username, newcomer, 'AdminGetUser by the email alias finds the newcomer');
  });

  test('policies: preferred_username alias — signs in in any case once confirmed, a taken one is AliasExistsException (SDK v3)', async () => {
    const { admin, poolId, clientId } = await poolWith(env, { AliasAttributes: ['email', 'preferred_username'] },
      { ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] });
    const stamp = Date.now();
    const passwordUser = async (Username, preferred) => {
      await admin.send(new AdminCreateUserCommand({
        UserPoolId: poolId, Username, MessageAction: 'SUPPRESS',
        UserAttributes: [{ Name: 'email', Value: uniqueEmail() }, { Name: 'preferred_username', Value: preferred }],
      }));
      await admin.send(new AdminSetUserPasswordCommand({ UserPoolId: poolId, Username, Password: 'Correct-Horse-9', Permanent: true }));
    };
    const signIn = async (USERNAME) => (await env.sdk.send(new InitiateAuthCommand({
      ClientId: clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME, PASSWORD: 'Correct-Horse-9' },
    }))).AuthenticationResult;
    await passwordUser(`alice${stamp}`, `Alice${stamp}`);
    await passwordUser(`bob${stamp}`, `Bob${stamp}`);

    const alice = await signIn(`ALICE${stamp}`);
    const claims = JSON.parse(Buffer.from(alice.IdToken.split('.')[1], 'base64url').toString());
    eq(claims['cognito:username'], `alice${stamp}`, 'cognito:username after a sign-in by the preferred username');

    const bob = await signIn(`bob${stamp}`);
    const taken = await expectError(
      env.sdk.send(new UpdateUserAttributesCommand({ AccessToken: bob.AccessToken, UserAttributes: [{ Name: 'preferred_username', Value: `alice${stamp}` }] })),
      'AliasExistsException', 'UpdateUserAttributes with a taken preferred_username');
    eq(taken.message, 'An account with the given preferred_username already exists.', 'AliasExistsException message');
    await env.sdk.send(new UpdateUserAttributesCommand({ AccessToken: bob.AccessToken, UserAttributes: [{ Name: 'preferred_username', Value: `Robert${stamp}` }] }));
    eq(JSON.parse(Buffer.from((await signIn(`robert${stamp}`)).IdToken.split('.')[1], 'base64url').toString())['cognito:username'],
      `bob${stamp}`, 'the new preferred username signs bob in');
  });

  test('policies: AdminDeleteUserAttributes of a schema-required attribute is InvalidParameterException (SDK v3)', async () => {
    const { admin, poolId } = await poolWith(env, {
      UsernameAttributes: ['email'],
      Schema: [{ Name: 'given_name', AttributeDataType: 'String', Required: true, Mutable: true }],
    });
    const email = uniqueEmail();
    await admin.send(new AdminCreateUserCommand({
      UserPoolId: poolId, Username: email, MessageAction: 'SUPPRESS',
      UserAttributes: [{ Name: 'email', Value: email }, { Name: 'given_name', Value: 'Ada' }],
    }));
    const refused = await expectError(
      admin.send(new AdminDeleteUserAttributesCommand({ UserPoolId: poolId, Username: email, UserAttributeNames: ['given_name'] })),
      'InvalidParameterException', 'AdminDeleteUserAttributes given_name');
    eq(refused.message, 'Attributes did not conform to the schema: given_name: The attribute is required', 'InvalidParameterException message');
    eq(attrMap((await admin.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: email }))).UserAttributes).given_name, 'Ada', 'given_name kept');
  });

  test('policies: PasswordPolicy from CreateUserPool — identity-js signUp and the SDK\'s AdminSetUserPassword get Cognito\'s InvalidPasswordException messages', async () => {
    const { admin, poolId, clientId } = await poolWith(env, {
      UsernameAttributes: ['email'],
      Policies: { PasswordPolicy: { MinimumLength: 10, RequireUppercase: true, RequireLowercase: true, RequireNumbers: true, RequireSymbols: true } },
    });
    const pool = new CognitoUserPool({ UserPoolId: poolId, ClientId: clientId, endpoint: `${env.apiUrl}/`, Storage: new TestStorage() });
    const email = uniqueEmail();
    const refused = await expectError(() => new Promise((resolve, reject) =>
      pool.signUp(email, 'NoSymbols12345', [], null, (err, result) => (err ? reject(err) : resolve(result)))),
    'InvalidPasswordException', 'identity-js signUp');
    eq(refused.message, 'Password did not conform with policy: Password must have symbol characters', 'signUp message');
    await admin.send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: email, MessageAction: 'SUPPRESS', UserAttributes: [{ Name: 'email', Value: email }] }));
    const weak = await expectError(
      admin.send(new AdminSetUserPasswordCommand({ UserPoolId: poolId, Username: email, Password: 'lowercase-only-1', Permanent: true })),
      'InvalidPasswordException', 'AdminSetUserPassword');
    eq(weak.message, 'Password did not conform with policy: Password must have uppercase characters', 'AdminSetUserPassword message');
    const policy = (await admin.send(new DescribeUserPoolCommand({ UserPoolId: poolId }))).UserPool.Policies.PasswordPolicy;
    eq([policy.MinimumLength, policy.RequireUppercase, policy.RequireLowercase, policy.RequireNumbers, policy.RequireSymbols].join(','), '10,true,true,true,true', 'DescribeUserPool PasswordPolicy');
  });

  test('policies: PasswordHistorySize 3 from CreateUserPool — SDK v3 ChangePassword and ConfirmForgotPassword refuse the last three passwords (PasswordHistoryPolicyViolationException), not a fourth', async () => {
    const { admin, poolId, clientId } = await poolWith(env, {
      UsernameAttributes: ['email'], AutoVerifiedAttributes: ['email'], Policies: { PasswordPolicy: { PasswordHistorySize: 3 } },
    }, { ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] });
    const email = uniqueEmail();
    const [p1, p2, p3, p4] = ['History-pass-1', 'History-pass-2', 'History-pass-3', 'History-pass-4'];
    await admin.send(new AdminCreateUserCommand({
      UserPoolId: poolId, Username: email, MessageAction: 'SUPPRESS',
      UserAttributes: [{ Name: 'email', Value: email }, { Name: 'email_verified', Value: 'true' }],
    }));
    await admin.send(new AdminSetUserPasswordCommand({ UserPoolId: poolId, Username: email, Password: p1, Permanent: true }));
    const signIn = async (PASSWORD) => (await env.sdk.send(new InitiateAuthCommand({
      ClientId: clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: email, PASSWORD },
    }))).AuthenticationResult.AccessToken;
    const change = (AccessToken, PreviousPassword, ProposedPassword) =>
      env.sdk.send(new ChangePasswordCommand({ AccessToken, PreviousPassword, ProposedPassword }));
    const reused = async (promise, what) => {
      const e = await expectError(promise, 'PasswordHistoryPolicyViolationException', what);
      check(/previously been used/.test(e.message), `${what}: message ${e.message}`);
    };

    let access = await signIn(p1);
    await reused(change(access, p1, p1), 'ChangePassword to the current password');
    await change(access, p1, p2);
    await reused(change(access, p2, p1), 'ChangePassword back to the previous password');
    access = await signIn(p2);
    await change(access, p2, p3);

    // Current p3, replaced p2 and p1: the reset code proves the user, and still the history refuses them.
    const watch = await outboxWatch(env, email, 'EMAIL');
    await env.sdk.send(new ForgotPasswordCommand({ ClientId: clientId, Username: email }));
    const code = (await watch.next('ForgotPassword')).code;
    const confirm = (Password) => env.sdk.send(new ConfirmForgotPasswordCommand({ ClientId: clientId, Username: email, ConfirmationCode: code, Password }));
    await reused(confirm(p1), 'ConfirmForgotPassword with the password before last');
    await reused(confirm(p3), 'ConfirmForgotPassword with the current password');
    await confirm(p4);
    await expectError(signIn(p3), 'NotAuthorizedException', 'USER_PASSWORD_AUTH with the password the reset replaced');

    // Current p4, replaced p3 and p2: p1 has left the history.
    access = await signIn(p4);
    await reused(change(access, p4, p2), 'ChangePassword to a password still in the history');
    await change(access, p4, p1);
    check(await signIn(p1), 'USER_PASSWORD_AUTH with p1 again gave no tokens');
  });
}

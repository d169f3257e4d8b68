// User pool groups through the AWS SDK v3 (every group operation, signed with SigV4 by the SDK), and the group
// claims as Amplify v6 (fetchAuthSession) and amazon-cognito-identity-js (CognitoUserSession) hand them to apps.

import {
  AdminAddUserToGroupCommand,
  AdminListGroupsForUserCommand,
  AdminRemoveUserFromGroupCommand,
  CreateGroupCommand,
  DeleteGroupCommand,
  GetGroupCommand,
  ListGroupsCommand,
  ListUsersInGroupCommand,
  UpdateGroupCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { POOL_ID, check, eq, expectError, newSdkClient, sdkConfirmedUser, show, uniquePhone } from '../lib/cognito.mjs';
import { amplifySignIn, configureAmplify, legacySignIn, quietSignOut } from './account.mjs';

const ROLE = 'arn:aws:iam::123456789012:role/conformance-admin';

export function registerGroupTests(test, env) {
  // Signed admin calls go straight to Sesame: the recording proxy rewrites Host, which SigV4 signs.
  const admin = newSdkClient(env.serverUrl);
  const tag = Math.random().toString(36).slice(2, 8);
  const name = (base) => `${base}-${tag}`;

  /** A confirmed phone user in the two groups (admins precedence 1 with a role, staff precedence 7). */
  async function memberOfTwo() {
    const phone = uniquePhone();
    await sdkConfirmedUser(env, { phone });
    for (const [group, Precedence, RoleArn] of [[name('staff'), 7, undefined], [name('admins'), 1, ROLE]]) {
      await admin.send(new CreateGroupCommand({ UserPoolId: POOL_ID, GroupName: group, Precedence, RoleArn })).catch((e) => {
        if (e.name !== 'GroupExistsException') throw e;
      });
      await admin.send(new AdminAddUserToGroupCommand({ UserPoolId: POOL_ID, Username: phone, GroupName: group }));
    }
    return phone;
  }

  test('groups: SDK v3 Create/Get/Update/List(paged)/Delete, members added, listed both ways and removed', async () => {
    const phone = uniquePhone();
    await sdkConfirmedUser(env, { phone });
    const readers = name('readers');
    const created = (await admin.send(new CreateGroupCommand({ UserPoolId: POOL_ID, GroupName: readers, Description: 'can read', Precedence: 3 }))).Group;
    eq(created.GroupName, readers, 'CreateGroup GroupName');
    check(created.CreationDate instanceof Date && created.LastModifiedDate instanceof Date, `group dates are not dates: ${show(created)}`);
    await expectError(admin.send(new CreateGroupCommand({ UserPoolId: POOL_ID, GroupName: readers.toUpperCase() })), 'GroupExistsException', 'CreateGroup again');

    const updated = (await admin.send(new UpdateGroupCommand({ UserPoolId: POOL_ID, GroupName: readers, RoleArn: ROLE }))).Group;
    eq(updated.RoleArn, ROLE, 'UpdateGroup RoleArn');
    eq(updated.Description, 'can read', 'UpdateGroup keeps the Description it was not given');
    eq((await admin.send(new GetGroupCommand({ UserPoolId: POOL_ID, GroupName: readers }))).Group.Precedence, 3, 'GetGroup Precedence');

    for (const extra of ['x1', 'x2', 'x3']) await admin.send(new CreateGroupCommand({ UserPoolId: POOL_ID, GroupName: name(extra) }));
    const listed = [];
    let NextToken;
    for (let page = 0; page < 50; page++) {
      const res = await admin.send(new ListGroupsCommand({ UserPoolId: POOL_ID, Limit: 2, NextToken }));
      check(res.Groups.length <= 2, `ListGroups page larger than its Limit: ${res.Groups.length}`);
      listed.push(...res.Groups.map((g) => g.GroupName));
      NextToken = res.NextToken;
      if (!NextToken) break;
    }
    for (const g of [readers, name('x1'), name('x2'), name('x3')]) check(listed.includes(g), `ListGroups pages miss ${g}: ${show(listed)}`);
    eq(new Set(listed).size, listed.length, 'ListGroups lists each group once');

    await admin.send(new AdminAddUserToGroupCommand({ UserPoolId: POOL_ID, Username: phone, GroupName: readers }));
    await admin.send(new AdminAddUserToGroupCommand({ UserPoolId: POOL_ID, Username: phone, GroupName: name('x1') }));
    const forUser = await admin.send(new AdminListGroupsForUserCommand({ UserPoolId: POOL_ID, Username: phone, Limit: 1 }));
    eq(forUser.Groups.length, 1, 'AdminListGroupsForUser page of one');
    check(forUser.NextToken, 'AdminListGroupsForUser carries a NextToken while a group remains');
    const rest = await admin.send(new AdminListGroupsForUserCommand({ UserPoolId: POOL_ID, Username: phone, Limit: 1, NextToken: forUser.NextToken }));
    eq([...forUser.Groups, ...rest.Groups].map((g) => g.GroupName).sort().join(','), [readers, name('x1')].sort().join(','), 'AdminListGroupsForUser groups');
    const members = await admin.send(new ListUsersInGroupCommand({ UserPoolId: POOL_ID, GroupName: readers }));
    eq(members.Users.length, 1, 'ListUsersInGroup members');
    eq(members.Users[0].Attributes.find((a) => a.Name === 'phone_number')?.Value, phone, 'ListUsersInGroup member phone_number');
    check(members.Users[0].UserCreateDate instanceof Date, 'ListUsersInGroup UserCreateDate is a date');

    await admin.send(new AdminRemoveUserFromGroupCommand({ UserPoolId: POOL_ID, Username: phone, GroupName: readers }));
    eq((await admin.send(new ListUsersInGroupCommand({ UserPoolId: POOL_ID, GroupName: readers }))).Users.length, 0, 'members after AdminRemoveUserFromGroup');
    await admin.send(new DeleteGroupCommand({ UserPoolId: POOL_ID, GroupName: readers }));
    await expectError(admin.send(new GetGroupCommand({ UserPoolId: POOL_ID, GroupName: readers })), 'ResourceNotFoundException', 'GetGroup after DeleteGroup');
    await expectError(admin.send(new AdminAddUserToGroupCommand({ UserPoolId: POOL_ID, Username: 'nobody-' + tag, GroupName: name('x1') })),
      'UserNotFoundException', 'AdminAddUserToGroup of an unknown user');
  });

  test('groups: Amplify v6 fetchAuthSession tokens carry cognito:groups by precedence, the ID token cognito:preferred_role', async () => {
    const phone = await memberOfTwo();
    configureAmplify(env);
    try {
      const tokens = await amplifySignIn(env, phone);
      eq(show(tokens.accessToken.payload['cognito:groups']), show([name('admins'), name('staff')]), 'access token cognito:groups');
      eq(show(tokens.idToken.payload['cognito:groups']), show([name('admins'), name('staff')]), 'ID token cognito:groups');
      eq(tokens.idToken.payload['cognito:preferred_role'], ROLE, 'ID token cognito:preferred_role');
      eq(show(tokens.idToken.payload['cognito:roles']), show([ROLE]), 'ID token cognito:roles');
    } finally {
      await quietSignOut();
    }
  });

  test('groups: amazon-cognito-identity-js session tokens decode cognito:groups', async () => {
    const phone = await memberOfTwo();
    const { session } = await legacySignIn(env, phone);
    eq(show(session.getAccessToken().decodePayload()['cognito:groups']), show([name('admins'), name('staff')]), 'access token cognito:groups');
    eq(show(session.getIdToken().decodePayload()['cognito:groups']), show([name('admins'), name('staff')]), 'ID token cognito:groups');
  });
}

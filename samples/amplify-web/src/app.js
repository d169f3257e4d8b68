// A small Amplify v6 web app that signs in by phone against Sesame, two ways:
//  - its own screens: signIn with USER_AUTH + SMS_OTP, then confirmSignIn with the code (or signUp without a
//    password, confirmSignUp, autoSignIn for a new number);
//  - Sesame's hosted page: signInWithRedirect (the authorization code flow with PKCE), back here with a code.
// The server (server.mjs) hands it where Sesame is in /config.json.

import { Amplify } from 'aws-amplify';
import {
  autoSignIn, confirmSignIn, confirmSignUp, fetchAuthSession, getCurrentUser, signIn, signInWithRedirect, signOut, signUp,
} from 'aws-amplify/auth';
import { Hub } from 'aws-amplify/utils';

const $ = (id) => document.getElementById(id);
const config = await (await fetch('/config.json')).json();
// Amplify sends the browser back to one of these; each must be one of the app client's CallbackURLs / LogoutURLs.
const here = `${window.location.origin}/`;

Amplify.configure({
  Auth: {
    Cognito: {
      userPoolId: config.userPoolId,
      userPoolClientId: config.userPoolClientId,
      userPoolEndpoint: config.userPoolEndpoint,
      loginWith: {
        phone: true,
        // Amplify builds https://{domain}/oauth2/authorize, /oauth2/token and /logout.
        oauth: {
          domain: config.oauthDomain,
          scopes: ['openid', 'phone', 'email', 'profile', 'aws.cognito.signin.user.admin'],
          redirectSignIn: [here],
          redirectSignOut: [here],
          responseType: 'code',
        },
      },
    },
  },
});

let pending = null; // 'signin' | 'signup' while a code form is shown
let phone = '';

function showError(error) {
  const box = $('error');
  if (!error) {
    box.hidden = true;
    box.textContent = '';
    return;
  }
  box.hidden = false;
  box.textContent = `${error.name ?? 'Error'}: ${error.message ?? error}`;
}

async function render() {
  let user = null;
  try {
    user = await getCurrentUser();
  } catch {
    user = null;
  }
  $('signed-in').hidden = !user;
  $('signed-out').hidden = !!user;
  if (!user) {
    $('status').textContent = 'Signed out';
    return;
  }
  const session = await fetchAuthSession();
  const claims = session.tokens?.idToken?.payload ?? {};
  $('status').textContent = `Signed in as ${user.username}`;
  $('username').textContent = user.username;
  $('phone-number').textContent = claims.phone_number ?? '';
  $('how').textContent = user.signInDetails?.authFlowType ?? 'hosted page (signInWithRedirect)';
}

function showCodeForm(destination) {
  $('phone-form').hidden = true;
  $('code-form').hidden = false;
  $('code-sent').textContent = `We sent a code to ${destination ?? phone}.`;
  $('code').value = '';
  $('code').focus();
}

function resetForms() {
  pending = null;
  $('phone-form').hidden = false;
  $('code-form').hidden = true;
}

$('hosted').addEventListener('click', async () => {
  showError(null);
  try {
    await signInWithRedirect();
  } catch (e) {
    showError(e);
  }
});

$('phone-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  showError(null);
  phone = $('phone').value.replace(/[\s().-]/g, '');
  try {
    if (event.submitter?.value === 'signup') {
      const up = await signUp({
        username: phone,
        options: { userAttributes: { phone_number: phone }, autoSignIn: { authFlowType: 'USER_AUTH' } },
      });
      pending = 'signup';
      showCodeForm(up.nextStep.codeDeliveryDetails?.destination);
    } else {
      const result = await signIn({ username: phone, options: { authFlowType: 'USER_AUTH', preferredChallenge: 'SMS_OTP' } });
      if (result.nextStep.signInStep !== 'CONFIRM_SIGN_IN_WITH_SMS_CODE') {
        throw new Error(`unexpected step ${result.nextStep.signInStep}`);
      }
      pending = 'signin';
      showCodeForm(result.nextStep.codeDeliveryDetails?.destination);
    }
  } catch (e) {
    showError(e);
  }
});

$('code-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  showError(null);
  const code = $('code').value.replace(/\D/g, '');
  try {
    if (pending === 'signup') {
      await confirmSignUp({ username: phone, confirmationCode: code });
      await autoSignIn();
    } else {
      const done = await confirmSignIn({ challengeResponse: code });
      if (!done.isSignedIn) throw new Error(`unexpected step ${done.nextStep.signInStep}`);
    }
    resetForms();
    await render();
  } catch (e) {
    showError(e);
  }
});

$('sign-out').addEventListener('click', async () => {
  showError(null);
  try {
    // After a hosted-page sign-in this goes to Sesame's /logout and back here.
    await signOut();
    await render();
  } catch (e) {
    showError(e);
  }
});

Hub.listen('auth', ({ payload }) => {
  if (payload.event === 'signInWithRedirect_failure') showError(payload.data?.error ?? new Error('signInWithRedirect failed'));
  if (['signInWithRedirect', 'signedIn', 'signedOut'].includes(payload.event)) render();
});

await render();
document.body.dataset.ready = 'true';

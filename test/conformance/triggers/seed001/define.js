// From seed 001 ("How to create a one-time password authentication flow using Amplify Flutter", AWS Front-End
// Web & Mobile blog), step 5, boilerplate-define-challenge.js, copied verbatim: it bypasses the SRP_A step that
// Amplify starts with, then asks for one custom challenge. (It returns nothing: Amplify's generated index.js, which
// the wrapper mirrors, returns the event it mutated.)
  exports.handler = async function(event) {
  if (event.request.session.length == 1 && event.request.session[0].challengeName == 'SRP_A') {
      event.response.issueTokens = false;
      event.response.failAuthentication = false;
      event.response.challengeName = 'CUSTOM_CHALLENGE';
  } else if (event.request.session.length == 2 && event.request.session[1].challengeName == 'CUSTOM_CHALLENGE' && event.request.session[1].challengeResult == true) {
      event.response.issueTokens = true;
      event.response.failAuthentication = false;
      event.response.challengeName = 'CUSTOM_CHALLENGE';
  } else {
      event.response.issueTokens = false;
      event.response.failAuthentication = true;
  }
}

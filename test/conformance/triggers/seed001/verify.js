// From seed 001 ("How to create a one-time password authentication flow using Amplify Flutter", AWS Front-End
// Web & Mobile blog), step 6, boilerplate-verify.js, copied verbatim.
function verifyAuthChallengeResponse(event) {
  if (event.request.privateChallengeParameters.answer === event.request.challengeAnswer) {
      event.response.answerCorrect = true;
  } else {
      event.response.answerCorrect = false;
  }
}

exports.handler = async (event) => {
  verifyAuthChallengeResponse(event);
}

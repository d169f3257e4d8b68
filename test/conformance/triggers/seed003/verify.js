// From seed 003 ("Implementing OTP based Phone auth in Amazon Cognito using Custom Auth Flow & Amplify",
// Prashanth HN, 2019), verifyChallenge(), copied verbatim. Note that `answer` was a number when created: this
// strict comparison with the string challengeAnswer works only because Cognito (and Sesame) hand the private
// challenge parameters back as strings.
exports.handler = async (event, context) => {
  if (
    event.request.privateChallengeParameters.answer ===
    event.request.challengeAnswer
  ) {
    event.response.answerCorrect = true
  } else {
    event.response.answerCorrect = false
  }
  return event
}

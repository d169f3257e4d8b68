// From seed 002 (Amplify Flutter v1 docs, "Sign-in with custom flow"), boilerplate-verify.js, copied verbatim.
function verifyAuthChallengeResponse(event) {
if (
event.request.privateChallengeParameters.answer ===
event.request.challengeAnswer
) {
event.response.answerCorrect = true;
} else {
event.response.answerCorrect = false;
}
}
exports.handler = async (event) => {
verifyAuthChallengeResponse(event);
};

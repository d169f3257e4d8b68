// From seed 002 (Amplify Flutter v1 docs, "Sign-in with custom flow"), boilerplate-create-challenge.js, copied
// verbatim apart from the sending: the docs leave sendChallengeCode empty ("Use SES or custom logic to send the
// secret code to the user"); here its body calls the test sink.
//crypto-secure-random-digit is used here to get random challenge code - https://github.com/ottokruse/crypto-secure-random-digit
const digitGenerator = require('crypto-secure-random-digit');
function sendChallengeCode(emailAddress, secretCode) {
// Use SES or custom logic to send the secret code to the user.
require("../sink").email(emailAddress, secretCode);
}
function createAuthChallenge(event) {
if (event.request.challengeName === 'CUSTOM_CHALLENGE') {
// Generate a random code for the custom challenge
const challengeCode = digitGenerator.randomDigits(6).join('');
// Send the custom challenge to the user
sendChallengeCode(event.request.userAttributes.email, challengeCode);
event.response.privateChallengeParameters = {};
event.response.privateChallengeParameters.answer = challengeCode;
event.response.publicChallengeParameters = {
hint: 'Enter the secret code'
};
}
}
exports.handler = async (event) => {
createAuthChallenge(event);
};

// From seed 001 ("How to create a one-time password authentication flow using Amplify Flutter", AWS Front-End
// Web & Mobile blog), step 2, boilerplate-create-challenge.js, copied verbatim apart from the email sending: the
// `aws-sdk` SES client and the body of sendChallengeCode are replaced by a call to the test sink.
const digitGenerator = require('crypto-secure-random-digit');

function sendChallengeCode(emailAddress, secretCode) {
  return require("../sink").email(emailAddress, secretCode)
}


exports.handler = async function (event) {
  
    if (event.request.challengeName === 'CUSTOM_CHALLENGE') {
    
      // Generate a random code for the custom challenge
      const challengeCode = digitGenerator.randomDigits(6).join('');
      
      event.response.privateChallengeParameters = {};
      event.response.privateChallengeParameters.answer = challengeCode;
      
      event.response.publicChallengeParameters = {};
      event.response.publicChallengeParameters['fieldTitle'] = 'Enter the secert';
      event.response.publicChallengeParameters['fieldHint'] = 'Check your email';
      
   return  sendChallengeCode(event.request.userAttributes.email, challengeCode);

  }      
};

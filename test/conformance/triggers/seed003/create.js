// From seed 003 ("Implementing OTP based Phone auth in Amazon Cognito using Custom Auth Flow & Amplify",
// Prashanth HN, 2019), createAuthChallenge(), copied verbatim apart from the SMS sending: the tutorial's
// `const axios = require("axios")` and its `sendSMS(phone_number, message) { // send SMS logic }` stub (not valid
// JavaScript as printed) are replaced by a call to the test sink.
const sendSMS = (phone_number, message) => require("../sink").sms(phone_number, message)

exports.handler = async event => {
  if (!event.request.session || event.request.session.length === 0) {
    const phone = event.request.userAttributes.phone_number
    const otp = Math.floor(100000 + Math.random() * 900000)
    const message = "OTP to login to WebsiteX is "+otp
    sendSMS(phone, message)
    event.response.privateChallengeParameters = {
      answer: otp
    };
    event.response.challengeMetadata = "CUSTOM_CHALLENGE";
  }
  return event;
};

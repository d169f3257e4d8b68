// Seed 000 ("Creating Flutter app with AWS serverless backend — Part 2: Login with phone number and OTP"). The
// article's PreSignUp code is a screenshot, not text; this is what it describes: "make all my users confirmed by
// default and also mark their phones as verified ... everything I do here is modifying a couple of fields in event
// object". Its test number (all zeros, code 111111) is Sesame configuration instead (OneTimeCode:TestNumbers).
exports.handler = async (event) => {
  event.response.autoConfirmUser = true;
  event.response.autoVerifyPhone = true;
  return event;
};

// The test sink that stands in for SMS and email delivery in the tutorials' handlers: it records what a handler
// "sent", in memory, so the conformance tests can read the code the way a user would read their phone or inbox.
const messages = [];

function record(channel, to, body) {
  messages.push({ channel, to, body, at: Date.now() });
  return Promise.resolve({ MessageId: `sink-${messages.length}` });
}

module.exports = {
  sms: (to, body) => record('sms', to, body),
  email: (to, body) => record('email', to, body),
  messagesTo: (to) => messages.filter((m) => m.to === to),
};

/**
 * Environment every test file starts with (jest `setupFiles`).
 *
 * The AWS SDK warns on every Node 20 process that it will need Node 22 from 2027; the SDK's own
 * switch for that notice is AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED. Tests turn it off
 * so a run's output holds only what the tests say; the service itself still prints it.
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

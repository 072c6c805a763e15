/** Every environment variable that stands in for a global option: the one place their names live. */
export const OPTION_ENV = {
  profile: "TRTC_PROFILE",
  config: "TRTC_CONFIG",
  sdkAppId: "TRTC_SDK_APP_ID",
  region: "TENCENTCLOUD_REGION",
  endpoint: "TRTC_ENDPOINT",
  output: "TRTC_OUTPUT",
  debug: "TRTC_DEBUG",
  inventory: "TRTC_INVENTORY",
} as const;

export type EnvOption = keyof typeof OPTION_ENV;

/** The option's environment value; an empty variable counts as unset. */
export function optionFromEnv(env: NodeJS.ProcessEnv, option: EnvOption): string | undefined {
  return env[OPTION_ENV[option]] || undefined;
}

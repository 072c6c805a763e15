import { describe, expect, it } from "vitest";
import { redactFor, redactUrl, urlLabel } from "../../src/store/url.js";

describe("inventory URLs in messages", () => {
  it.each([
    ["postgres://trtc:S3cretPw@db:5432/trtc", "postgres://db:5432/trtc"],
    ["postgres://u:pa/ss@db/trtc", "postgres://db/trtc"],
    ["postgres://u:pa ss@db/trtc", "postgres://db/trtc"],
    ["postgres://u:p@ss@db/trtc", "postgres://db/trtc"],
    ["postgres://db/trtc?sslmode=require&password=S3cret&application_name=x", "postgres://db/trtc?sslmode=require&password=***&application_name=x"],
    ["file:/var/lib/inventory.db", "file:/var/lib/inventory.db"],
    // A --forward target: a webhook's credential in its query is printed at start and in every give-up warning.
    ["https://app.example.com/trtc?token=T0k&room=1&api_key=K3y&sig=S1g", "https://app.example.com/trtc?token=***&room=1&api_key=***&sig=***"],
  ])("%s is labelled %s", (url, label) => {
    expect(urlLabel(url)).toBe(label);
  });

  it("an error that quotes the URL's password anywhere, raw or %-decoded, is redacted", () => {
    const url = "postgres://u:pa ss%21@db/trtc?password=0ther";
    expect(redactFor(url, 'password "pa ss!" rejected; "pa ss%21" and 0ther too')).toBe('password "***" rejected; "***" and *** too');
  });

  it("without the URL, any URL's userinfo (to the last @ of the word) and password= values are removed", () => {
    expect(redactUrl("cannot reach postgres://u:p@ss@db/x?password=abc&x=1: refused")).toBe("cannot reach postgres://db/x?password=***&x=1: refused");
  });
});

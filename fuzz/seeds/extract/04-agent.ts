import Anthropic from "@anthropic-ai/sdk";

const client = new Anthropic();

export const systemPrompt = `You are a release assistant. Summarise the changes since the last
release for the changelog, grouped by Added, Changed and Fixed. Use the imperative mood.`;

export async function summarise(diff: string): Promise<string> {
  const msg = await client.messages.create({
    model: "claude-sonnet-4-5",
    max_tokens: 1024,
    system: systemPrompt,
    messages: [{ role: "user", content: `Here is the diff:\n${diff}` }],
  });
  return msg.content[0].type === "text" ? msg.content[0].text : "";
}

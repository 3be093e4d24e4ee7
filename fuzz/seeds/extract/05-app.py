"""A small support bot: the prompts in this file are found by promptcost."""
import textwrap

from openai import OpenAI

SYSTEM_PROMPT = textwrap.dedent("""\
    You are the support assistant for Acme Cloud.
    Answer questions about billing, accounts and outages.
    Be accurate, friendly and brief.
""")

# promptcost: budget=40
GREETING_TEMPLATE = "Hello {name}, thanks for contacting Acme Cloud support. How can I help you today?"

client = OpenAI()


def answer(question: str, name: str) -> str:
    response = client.chat.completions.create(
        model="gpt-4o",
        messages=[
            {"role": "system", "content": SYSTEM_PROMPT},
            {"role": "user", "content": f"Customer {name} asks: {question}"},
        ],
    )
    return response.choices[0].message.content

"""Phrase lists per language code, as regular expressions matched case-insensitively on word boundaries.

Adding a language is a data change: add a dict under its code with the same names. A check whose list is
missing for the conversation's language does not judge it (returns no suggestion).
"""

from __future__ import annotations

PHRASES: dict[str, dict[str, list[str]]] = {
    "en": {
        "greeting": [
            r"hi",
            r"hello",
            r"hey",
            r"dear",
            r"good (?:morning|afternoon|evening|day)",
            r"greetings",
            r"thanks? (?:you )?for (?:reaching out|contacting|your (?:message|patience|email))",
        ],
        # The agent asks whether the problem is solved / anything else is needed.
        "closing_question": [
            r"is there anything else",
            r"(?:can|may) (?:i|we) help (?:you )?with anything else",
            r"(?:need|want) (?:help with )?anything else",
            r"(?:does|did) (?:this|that|it) (?:help|solve|resolve|answer|work)",
            r"(?:has|have) (?:this|that|i|we) (?:solved|resolved|answered)",
            r"are you (?:happy|satisfied|ok|okay) with",
            r"let (?:me|us) know if (?:you need|there is|there's|anything|this|that|you have)",
            r"(?:please )?confirm (?:that )?(?:this|everything|it) (?:works|is (?:ok|okay|fine|solved|resolved))",
        ],
        # The customer says they are satisfied.
        "customer_satisfied": [
            r"thanks?(?: you)?(?: so much| very much| a lot)?",
            r"that(?:'s| is) (?:great|perfect|fine|all|everything)",
            r"(?:it )?works now",
            r"all (?:good|sorted|set)",
            r"problem solved",
            r"perfect",
            r"appreciate (?:it|your help)",
        ],
        "empathy": [
            r"(?:i'?m|i am|we'?re|we are) (?:so |very |really |truly )?sorry",
            r"(?:my|our) (?:sincere )?apolog(?:y|ies)",
            r"(?:i|we) apologi[sz]e",
            r"sorry (?:for|about|to hear)",
            r"i (?:completely |totally |fully )?understand (?:how|your|that|the)",
            r"(?:that|this) must (?:be|have been) (?:frustrating|annoying|stressful|disappointing|worrying)",
            r"i can imagine",
            r"thank you for your patience",
            r"i(?:'d| would) (?:feel|be) the same",
        ],
        # Negative or blaming wording; a match inside an offered alternative is dropped by the check.
        "negative": [
            r"(?:it'?s|it is|that'?s|that is) (?:your|not our) (?:fault|problem|responsibility)",
            r"your (?:own )?fault",
            r"you should have(?! (?:received|got|gotten|been|seen|had))",
            r"you (?:didn'?t|did not|failed to|forgot to|never) (?:read|check|follow|provide|see)",
            r"as i (?:already|previously) (?:said|told you|explained|mentioned)",
            r"like i said",
            r"calm down",
            r"obviously",
            r"there is nothing (?:i|we) can do",
            r"(?:that'?s|that is|this is) (?:impossible|not possible)",
            r"(?:we|i) (?:can'?t|cannot|can not|won'?t|will not) (?:do|help|refund|accept|change) "
            r"(?:anything|that|this)",
            r"unfortunately,? (?:we|i) (?:can'?t|cannot|can not|are unable to|am unable to)",
            r"not (?:our|my) (?:problem|job|concern)",
        ],
        # Words that turn a refusal into an alternative ("…but we can send a replacement").
        "alternative": [
            r"but (?:we|i) can",
            r"instead",
            r"however,? (?:we|i) (?:can|will|could)",
            r"what (?:we|i) can do",
            r"(?:we|i) (?:can|could) (?:offer|send|refund|replace|arrange)",
        ],
        "review_request": [
            r"(?:leave|give|write|post) (?:us |me )?(?:a |an )?(?:positive|good|great|5[- ]star|five[- ]star|nice) "
            r"(?:review|feedback|rating)",
            r"(?:5|five)[- ]stars?",
            r"(?:remove|delete|change|update|revise|edit) (?:your |the |that )?(?:negative |bad |1[- ]star )?"
            r"(?:review|feedback|rating)",
            r"(?:in exchange|in return) for (?:a |your )?(?:review|feedback|rating)",
            r"(?:gift card|discount|refund|coupon|free \w+) (?:if|when|for) you (?:leave|write|post|update|remove)",
        ],
    },
}

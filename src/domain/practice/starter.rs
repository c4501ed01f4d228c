//! The starter calendar: twelve ready-made months of kindness challenges, small on purpose.
//! HR can schedule them as they are, edit them, or write their own.

use crate::domain::teq::Aspect;

/// One ready-made month.
#[derive(Debug, Clone, Copy)]
pub struct StarterMonth {
    pub title: &'static str,
    pub ideas: &'static [&'static str],
    pub why: &'static str,
    pub aspects: &'static [Aspect],
}

use Aspect::{
    ConspecificAltruism as Helping, EmotionComprehension as Reading, EmotionalContagion as Feeling,
    SympatheticArousal as Moved,
};

/// Twelve months, in the order HR's "use the starter calendar" schedules them.
pub const STARTER_CALENDAR: [StarterMonth; 12] = [
    StarterMonth {
        title: "Ask three colleagues how they're really doing, and listen to the whole answer",
        ideas: &[
            "Ask when you have time for a real answer, not in passing on the stairs.",
            "If you hear \"fine\", try \"and how are you, really?\" once, gently.",
            "Don't fix anything unless they ask: listen until they've finished.",
        ],
        why: "Most of us answer \"fine\" out of habit. A second, unhurried question tells someone you actually want to know, and listening to the end is how you find out.",
        aspects: &[Reading, Feeling],
    },
    StarterMonth {
        title: "Offer an hour to someone who looks overwhelmed",
        ideas: &[
            "Name something specific you could take on: \"I could draft the minutes\" beats \"let me know if you need anything\".",
            "Offer privately, so saying no is easy.",
            "Keep the hour even if it's inconvenient for you.",
        ],
        why: "People who are overwhelmed rarely ask. A concrete offer costs you an hour and can change someone's week.",
        aspects: &[Helping, Moved],
    },
    StarterMonth {
        title: "Invite a quieter colleague's view in a meeting",
        ideas: &[
            "Ask before the meeting if there's something they'd like to raise.",
            "In the meeting, leave a pause and ask them by name what they think, without putting them on the spot.",
            "Afterwards, follow up on what they said so it doesn't get lost.",
        ],
        why: "Meetings tend to hear the fastest voices. Making room for someone else's view is empathy you can practise in public.",
        aspects: &[Reading, Helping],
    },
    StarterMonth {
        title: "Learn one thing about a colleague's work you never saw before",
        ideas: &[
            "Ask someone from another team to walk you through a normal day.",
            "Ask what part of their work nobody notices until it goes wrong.",
            "Read one of the colleagues' role stories in Attune and ask its teller a question.",
        ],
        why: "We judge by what we see. Knowing what someone's work really asks of them makes it easier to ask questions instead of making assumptions.",
        aspects: &[Reading],
    },
    StarterMonth {
        title: "Thank someone for something nobody else noticed",
        ideas: &[
            "Look for the work that keeps things running: the fixed build, the booked room, the calm reply.",
            "Say exactly what they did and the difference it made.",
            "If it fits, recognise them in Attune as well.",
        ],
        why: "Invisible work stays invisible until someone names it. Specific thanks tell a colleague their care was seen.",
        aspects: &[Helping, Feeling],
    },
    StarterMonth {
        title: "Ask a question before you assume",
        ideas: &[
            "When a message or a decision annoys you, ask one honest question before replying.",
            "Try \"help me understand what was going on\" instead of \"why did you\".",
            "Notice how often the answer changes what you thought.",
        ],
        why: "Under pressure we fill gaps with the worst explanation. A question usually finds a better one, and it tells the other person you're on their side.",
        aspects: &[Reading, Moved],
    },
    StarterMonth {
        title: "Welcome someone new, or new to your team",
        ideas: &[
            "Invite them to lunch or a coffee in their first weeks.",
            "Tell them the things nobody writes down: where to ask, whom to ask.",
            "Check in again after a month, when the welcome has worn off.",
        ],
        why: "Starting somewhere is lonely, however friendly everyone is. Small, repeated welcomes are what make people feel they belong.",
        aspects: &[Helping, Feeling],
    },
    StarterMonth {
        title: "Put your phone away for one conversation a day",
        ideas: &[
            "Face the person, close the laptop, let notifications wait.",
            "Notice their tone and what they don't say, not only their words.",
            "At the end, sum up what you heard and ask if you got it right.",
        ],
        why: "Attention is the simplest kindness and the easiest to lose. One fully present conversation a day trains the habit.",
        aspects: &[Reading, Feeling],
    },
    StarterMonth {
        title: "Notice when someone is having a hard day, and say so kindly",
        ideas: &[
            "Look for small signs: a shorter reply, a skipped lunch, a camera off.",
            "Say something simple in private: \"You seemed quieter today. Anything I can do?\"",
            "Respect the answer, even if it's \"I'm fine\".",
        ],
        why: "Being noticed, without fuss, tells people they're not alone with it. Saying it privately keeps it safe.",
        aspects: &[Moved, Reading],
    },
    StarterMonth {
        title: "Share something you're finding hard",
        ideas: &[
            "Tell one colleague you trust about something at work you're struggling with.",
            "Keep it simple and honest; you're not asking for a fix.",
            "Notice whether it makes it easier for them to share too.",
        ],
        why: "Empathy runs both ways. When we let ourselves be seen, we make it safer for others to do the same.",
        aspects: &[Feeling, Moved],
    },
    StarterMonth {
        title: "Do a small favour without being asked, and without telling anyone",
        ideas: &[
            "Refill the coffee, tidy the shared space, fix the broken link in the wiki.",
            "Cover a small task for someone who is stretched.",
            "Write down in your journal how it felt to keep it quiet.",
        ],
        why: "Start extremely small. Quiet acts of kindness make a workplace warmer, and doing them without credit keeps the focus on the other person.",
        aspects: &[Helping],
    },
    StarterMonth {
        title: "Look back on the year, and thank the people who helped you through it",
        ideas: &[
            "List three colleagues who made your year easier, and why.",
            "Tell each of them, in person or in writing.",
            "Read back through your journal and notice what changed in you.",
        ],
        why: "Practice over months is what changes habits. Looking back shows you how far you've come, and thanking people closes the circle.",
        aspects: &[Feeling, Helping],
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_month_has_ideas_a_reason_and_aspects() {
        for month in STARTER_CALENDAR {
            assert!(month.title.len() <= 200, "{}", month.title);
            assert!((3..=5).contains(&month.ideas.len()), "{}", month.title);
            assert!(!month.why.is_empty() && !month.aspects.is_empty());
        }
    }
}

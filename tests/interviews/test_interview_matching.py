"""Key-point hints on real answers, in English and Arabic."""

from interviews.matching import covered_key_points, normalize_arabic, phrase_in, stem_english, tokens

# Key points as authored in content/en/interviews/tools-analytics.yaml (preferred-tools).
PREFERRED_TOOLS = [
    {"key": "scheduling", "phrases": ["Hootsuite", "Buffer", "schedule", "scheduling", "calendar"]},
    {"key": "native-insights", "phrases": ["Insights", "Facebook Insights", "native analytics", "reach", "engagement"]},
    {"key": "web-analytics", "phrases": ["Google Analytics", "UTM", "traffic", "conversions", "website"]},
    {"key": "ads-tools", "phrases": ["Ads Manager", "Google Ads", "Facebook Ads", "targeting", "budget", "A/B"]},
    {"key": "goal-first", "phrases": ["KPI", "KPIs", "goal", "goals", "measure"]},
]

# Key points as authored in content/ar/interviews/seo.yaml (seo-why-social-manager).
SEO_WHY = [
    {"key": "required-skill", "phrases": ["خوارزميات", "محركات البحث", "تهيئة المواقع", "مهارة مطلوبة", "تحسين"]},
    {"key": "drive-traffic", "phrases": ["الموقع", "زيارات", "الزيارات", "صفحة الهبوط", "تتصدر", "ترتيب"]},
    {"key": "social-search", "phrases": ["البحث داخل المنصات", "YouTube", "Pinterest", "TikTok", "يوتيوب", "بنترست"]},
    {"key": "audience-insight", "phrases": ["أسئلة", "الجمهور", "الكلمات المفتاحية", "بيانات البحث", "أفكار المحتوى"]},
    {"key": "teamwork", "phrases": ["فريق الموقع", "فريق المحتوى", "التعاون", "مشتركة", "العضوية"]},
]

CRISIS = [
    {"key": "acknowledge", "phrases": ["acknowledge quickly", "holding statement"]},
    {"key": "escalate", "phrases": ["escalate", "legal team"]},
    {"key": "learn", "phrases": ["post-mortem", "lessons learned"]},
]


def test_english_stemmer_folds_case_plurals_and_inflections():
    # Snowball's English stemmer (it replaced the hand-written suffix rules).
    assert tokens("Scheduled SCHEDULING schedules") == ["schedul"] * 3
    assert stem_english("strategies") == stem_english("strategy")
    assert stem_english("replied") == stem_english("reply")
    assert stem_english("planning") == stem_english("plan")
    assert tokens("KPIs") == tokens("KPI")  # a plural acronym's s
    assert tokens("analyse optimise behaviour") == tokens("analyze optimize behavior")  # British spellings
    assert stem_english("process") == "process"


def test_arabic_normalizer_removes_marks_and_folds_letters():
    assert normalize_arabic("الْمُحْتَوَى") == "المحتوي"  # harakat gone, alef maqsura -> ya
    assert normalize_arabic("المحتـــوى") == "المحتوي"  # tatweel gone
    assert normalize_arabic("أإآٱ") == "اااا"  # alef forms unified
    assert normalize_arabic("منصة") == "منصه"  # ta marbuta -> ha
    assert normalize_arabic("٣٠٪") == "30٪"
    # The definite article, also after a conjunction or preposition, is stripped for matching.
    assert len(set(tokens("الاستراتيجية والاستراتيجية بالاستراتيجية إستراتيجية"))) == 1
    assert tokens("للمنصة") == tokens("المنصة")


def test_arabic_inflections_and_tanween_match():
    assert phrase_in("مسؤول", "كنت مسؤولًا عن حسابات الشركة")  # tanween alef
    assert phrase_in("مسؤول", "كنت مسؤولاً عن الحسابات")  # tanween before the alef
    assert phrase_in("الحملات الممولة", "أدرت حملةً ممولةً كل شهر")  # singular, indefinite
    assert phrase_in("المؤثرين الصغار", "تعاونا مع مؤثرين صغار")
    assert phrase_in("فريق الموقع", "نعمل مع فريق الموقع")  # a bare noun that starts with ف
    assert phrase_in("خطة أزمات", "وضعنا خطةً للأزمات")


def test_common_spellings_of_platform_names_are_one():
    assert phrase_in("فيسبوك", "ننشر على فيس بوك يوميًا")
    assert phrase_in("إنستغرام", "حسابنا على الانستقرام")
    assert phrase_in("إنستغرام", "وانستجرام")
    assert phrase_in("لينكدإن", "ولينكد إن")
    assert phrase_in("LinkedIn", "أنشر على لينكد إن")  # and across scripts
    assert phrase_in("Facebook Insights", "قرأت إحصاءات فيسبوك في Facebook Insights")


def test_phrases_match_in_order_with_short_gaps_only():
    assert phrase_in("same formula", "I keep the same simple formula every month")
    assert not phrase_in("same formula", "the formula is the same")
    assert not phrase_in("Facebook Insights", "Facebook is where we post; we read insights elsewhere later on")
    assert phrase_in("A/B", "we run A/B tests")


def test_a_real_english_answer_covers_the_points_it_talks_about():
    answer = (
        "In my last role I planned every week in a content calendar and scheduled posts with Buffer, "
        "so the team could review drafts. Each Monday I read Facebook Insights for reach and engagement, "
        "and I tagged every link with UTM parameters so Google Analytics showed the traffic we sent to the website."
    )
    assert covered_key_points(answer, PREFERRED_TOOLS) == ["scheduling", "native-insights", "web-analytics"]


def test_an_english_answer_with_inflected_words_matches():
    answer = "We set clear goals first. Targeted campaigns in Ads Manager, budgets capped, and we measured every KPI."
    assert covered_key_points(answer, PREFERRED_TOOLS) == ["ads-tools", "goal-first"]


def test_an_english_behavioural_answer():
    answer = (
        "Situation: a customer video went viral. Task: stop the spread of false claims. Action: we acknowledged "
        "it quickly with a holding statement and escalated to the legal team. Result: after the post-mortem "
        "we wrote down the lessons we learned."
    )
    # "acknowledged it quickly" is not "acknowledge quickly" within two words? It is: one word between.
    assert covered_key_points(answer, CRISIS) == ["acknowledge", "escalate", "learn"]


def test_a_real_arabic_answer_with_diacritics_and_variant_spellings():
    answer = (
        "أَعتبر فهم خوارزميات محرّكات البحث جزءاً من عملي، لأن كثيراً من منشوراتنا غايتها توجيه الزيارات إلى موقعنا. "
        "كما أن الناس يبحثون في يوتيوب وTikTok عن المنتجات، فأختار الكلمات المفتاحيّة بعناية، "
        "وأعمل مع فريقِ الموقعِ على أهداف مشتركة."
    )
    assert covered_key_points(answer, SEO_WHY) == [
        "required-skill",
        "drive-traffic",
        "social-search",
        "audience-insight",
        "teamwork",
    ]


def test_an_arabic_answer_with_tatweel_and_hamza_forms_matches_partially():
    answer = "أُركّز على الجمهـــور وأسئلتــه، وأستفيد من بيانات البحـث لتوليد أفكار المحتوى."
    assert covered_key_points(answer, SEO_WHY) == ["audience-insight"]


def test_an_arabic_answer_with_attached_conjunction_matches():
    # "والتعاون" carries و + ال; the phrase is "التعاون".
    answer = "أؤمن بالشفافية والتعاون بين الفرق."
    assert covered_key_points(answer, SEO_WHY) == ["teamwork"]


def test_empty_or_unrelated_answers_cover_nothing():
    assert covered_key_points("", PREFERRED_TOOLS) == []
    assert covered_key_points("   ", SEO_WHY) == []
    assert covered_key_points("I like working with people and I am punctual.", PREFERRED_TOOLS) == []
    assert covered_key_points("أحب العمل ضمن فريق.", SEO_WHY) == []


def test_mixed_script_answer_matches_latin_phrases_in_an_arabic_answer():
    answer = "أستخدم Hootsuite للجدولة وGoogle Analytics لقياس الزيارات."
    assert covered_key_points(answer, PREFERRED_TOOLS)[:1] == ["scheduling"]
    assert "web-analytics" in covered_key_points(answer, PREFERRED_TOOLS)

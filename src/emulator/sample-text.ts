/**
 * Free text the emulator puts into answers: many languages and scripts (right-to-left, CJK,
 * combining marks, emoji with zero-width joiners, control characters), so clients are tested
 * against what real visitors type. Written for this product; each phrase carries a sentiment.
 */

export type Sentiment = 'positive' | 'negative' | 'neutral';

export interface Phrase {
  lang: string;
  sentiment: Sentiment;
  text: string;
}

function phrases(lang: string, positive: string, negative: string, neutral: string): Phrase[] {
  return [
    { lang, sentiment: 'positive', text: positive },
    { lang, sentiment: 'negative', text: negative },
    { lang, sentiment: 'neutral', text: neutral },
  ];
}

export const PHRASES: readonly Phrase[] = [
  ...phrases(
    'en',
    'Checkout was quick and the confirmation email arrived right away 👍',
    'I couldn\'t find the "Export" button — it\'s hidden behind the ⋯ menu on mobile.',
    'Looking for pricing for teams of 50+ seats.',
  ),
  ...phrases(
    'fr',
    'Très pratique, l’interface est claire et rapide ! Merci à l’équipe 🙏🏽',
    'Le paiement a échoué deux fois, c’est décourageant… « erreur inconnue »',
    'Je compare avec d’autres outils avant de décider.',
  ),
  ...phrases(
    'de',
    'Übersichtlich und schnell – genau das, was ich gesucht habe.',
    'Die Größenangaben stimmen nicht, ich musste alles zurückschicken. Ärgerlich!',
    'Gibt es eine Rechnung mit ausgewiesener MwSt.?',
  ),
  ...phrases(
    'es',
    '¡Me encantó! La búsqueda funciona de maravilla 😍',
    'No entiendo por qué piden el número de teléfono. ¿Es obligatorio?',
    'Solo estaba mirando las opciones de envío a Canarias.',
  ),
  ...phrases(
    'pt-BR',
    'Atendimento excelente, resolveram meu problema em minutos. Parabéns!',
    'O site trava quando tento aplicar o cupom de desconto.',
    'Vim pelo anúncio e queria saber o prazo de entrega.',
  ),
  ...phrases(
    'ru',
    'Всё понятно и удобно, спасибо! Оформил заказ за пару минут.',
    'Страница оплаты долго грузится, а потом выдаёт ошибку 500.',
    'Ищу документацию по API на русском языке.',
  ),
  ...phrases(
    'ja',
    'とても使いやすいです。デザインもきれいで気に入りました✨',
    'ログインできません。パスワードを再設定してもエラーになります。',
    '料金プランの違いを確認しています。',
  ),
  ...phrases(
    'zh',
    '界面简洁，加载速度很快，非常满意！',
    '找不到退款入口，客服也一直没有回复。',
    '请问是否支持发票和对公转账？',
  ),
  ...phrases(
    'ko',
    '정말 편리해요! 다음에도 또 이용할게요 😊',
    '결제 버튼을 눌러도 아무 반응이 없어요.',
    '배송 기간이 얼마나 걸리나요?',
  ),
  ...phrases(
    'ar',
    'الموقع رائع وسهل الاستخدام، شكراً لكم!',
    'لا أستطيع إتمام الدفع، تظهر رسالة خطأ في كل مرة.',
    'أبحث عن معلومات حول سياسة الإرجاع.',
  ),
  ...phrases(
    'he',
    'שירות מעולה, הכול עבד בצורה חלקה 👌',
    'הטופס נמחק אחרי שלחצתי על "הקודם" ונאלצתי למלא שוב.',
    'רציתי לבדוק אם יש משלוח לאילת.',
  ),
  ...phrases(
    'hi',
    'बहुत बढ़िया अनुभव रहा, धन्यवाद!',
    'ऑर्डर ट्रैक करने का विकल्प काम नहीं कर रहा है।',
    'क्या हिंदी में सहायता उपलब्ध है?',
  ),
  ...phrases(
    'vi',
    // Decomposed on purpose: base letters followed by combining diacritics.
    'Dịch vụ rất tốt, giao hàng nhanh! Tiếng Việt có dấu: Tiê\u0302\u0301ng Vie\u0323\u0302t',
    'Ứng dụng hay bị thoát khi mở giỏ hàng.',
    'Cafe\u0301 ở đâu gần nhất?',
  ),
  ...phrases(
    'mixed',
    '👩‍💻 loves it — 👨‍👩‍👧‍👦 family plan works 🏳️‍🌈 ❤️‍🔥 🧑🏾‍🚀',
    'Broken again 😤\r\nLine two of my complaint.\n\tIndented line with a tab and a \\ backslash.',
    'z\u0336a\u0336l\u0336g\u0336o\u0336 test, quotes "double" \'single\', </script> and \u2028 separator',
  ),
];

/** Short answers for short-text questions. */
export const SHORT_TEXTS: readonly string[] = [
  'Pricing',
  'Tarifs',
  'Preise',
  'Precios',
  'Доставка',
  '配送',
  '価格',
  '가격',
  'الأسعار',
  'מחירים',
  'N/A',
  '🤷‍♀️',
  '',
  '   ',
];

export const TAGS: readonly string[] = [
  'bug',
  'pricing',
  'checkout',
  'mobile',
  'feature-request',
  'praise',
  'ux',
  'performance',
  'localisation',
];

export const FIRST_NAMES: readonly string[] = [
  'ana',
  'bruno',
  'chen',
  'dalia',
  'emeka',
  'farah',
  'goran',
  'hana',
  'ivan',
  'julia',
  'kenji',
  'lea',
  'marta',
  'noah',
  'omar',
  'priya',
];

export const LAST_NAMES: readonly string[] = [
  'silva',
  'novak',
  'wang',
  'haddad',
  'okafor',
  'schmidt',
  'tanaka',
  'garcia',
  'kowalski',
  'levi',
  'ivanova',
  'nguyen',
];
